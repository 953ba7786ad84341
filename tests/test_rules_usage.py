"""Using the rule language: `rules test`, `search`, aliases from the CLI and from Telegram,
and aliases in the crawl's matching."""
from __future__ import annotations

import json

import pytest

from newsradar.demo.web import DEMO_EXPECTED_ALERT_URL, URL_MODI_CONGRATULATES
from storage.aliases import aliases_for, set_alias
from storage.watchlists import add_watch
from tests.conftest import run_cli
from tests.test_bot_commands import ADMIN, chat, config, overrides  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, demo_warc):
    db_path = tmp_path_factory.mktemp("archive") / "n.db"
    out = run_cli("--db", str(db_path), "crawl", "business-standard", "the-hindu", "japan-times",
                  "--replay", str(demo_warc))
    assert out.returncode == 0, out.stderr
    return db_path


def test_rules_test_on_a_text_explains_the_match():
    out = run_cli("rules", "test", "Modi + Takaichi", "--text", "PM Modi's talks with ＴＡＫＡＩＣＨＩ")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "Match: (modi AND takaichi)"
    assert "body 3-7: Modi (term Modi)" in out.stdout and "ＴＡＫＡＩＣＨＩ" in out.stdout


def test_rules_test_on_a_file_reads_the_title_first(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text("Takaichi meets Modi\nThe two met in Johannesburg.\n", encoding="utf-8")
    out = run_cli("rules", "test", "title:Takaichi + body:Johannesburg", "--file", str(page), "--json")
    verdict = json.loads(out.stdout)
    assert verdict["matches"] is True
    assert {(h["field"], h["term"]) for h in verdict["hits"]} == {("title", "Takaichi"), ("body", "Johannesburg")}


def test_rules_test_says_no_for_a_lookalike_word():
    out = run_cli("rules", "test", "Modi", "--text", "Modine radiators, modified Modicare", "--json")
    assert json.loads(out.stdout)["matches"] is False


def test_a_bad_rule_gets_its_sentence_not_a_traceback():
    out = run_cli("rules", "test", "Modi NEAR/5", "--text", "x")
    assert out.returncode == 1 and "column" in out.stderr and "Traceback" not in out.stderr


def test_rules_test_on_the_archive(archive):
    out = run_cli("--db", str(archive), "rules", "test", "Modi + Takaichi", "--days", "100000", "--json")
    result = json.loads(out.stdout)
    assert [a["url"] for a in result["articles"]] == [DEMO_EXPECTED_ALERT_URL, URL_MODI_CONGRATULATES]
    assert result["total"] == 2 and all(a["hits"] for a in result["articles"])


def test_search_uses_the_rule_language(archive):
    out = run_cli("--db", str(archive), "search", "Takaichi -Modi", "--json")
    titles = [a["title"] for a in json.loads(out.stdout)]
    assert titles and all("Modi" not in t for t in titles)
    assert any("budget" in t for t in titles)


def test_aliases_from_the_cli(tmp_path):
    db = ("--db", str(tmp_path / "n.db"))
    assert run_cli(*db, "rules", "alias", "add", '@takaichi = Takaichi OR "Sanae Takaichi" OR 高市').returncode == 0
    assert run_cli(*db, "rules", "alias", "add", "--chat", "7", "@takaichi = 高市").returncode == 0
    rows = json.loads(run_cli(*db, "rules", "alias", "list", "--json").stdout)
    assert [(r["chat_id"], r["name"]) for r in rows] == [(0, "takaichi"), (7, "takaichi")]
    # Chat 7 sees its own definition; others the global one.
    out = run_cli(*db, "rules", "test", "@takaichi", "--chat", "7", "--text", "Sanae Takaichi spoke", "--json")
    assert json.loads(out.stdout)["matches"] is False
    out = run_cli(*db, "rules", "test", "@takaichi", "--text", "Sanae Takaichi spoke", "--json")
    assert json.loads(out.stdout)["matches"] is True
    bad = run_cli(*db, "rules", "add", "--chat", "8", "Modi + @nobody")
    assert bad.returncode == 1 and "Unknown alias @nobody" in bad.stderr
    assert run_cli(*db, "rules", "alias", "rm", "--chat", "7", "@takaichi").returncode == 0
    gone = run_cli(*db, "rules", "alias", "rm", "--chat", "7", "@takaichi")
    assert gone.returncode == 1 and "no alias @takaichi" in gone.stderr


def test_a_crawl_matches_rules_through_their_aliases(tmp_path, demo_warc, db_path):
    from storage import open_db

    db = open_db(db_path)
    set_alias(db, "leaders", "Modi OR 高市")
    set_alias(db, "takaichi", '"Sanae Takaichi" OR Takaichi', chat_id=5)
    add_watch(db, 5, "@leaders + @takaichi")
    db.close()
    out = run_cli("--db", str(db_path), "crawl", "business-standard", "--replay", str(demo_warc), "--json")
    assert out.returncode == 0, out.stderr
    alerts = json.loads(run_cli("--db", str(db_path), "alerts", "--json").stdout)
    assert [(a["chat_id"], a["url"]) for a in alerts] == [(5, DEMO_EXPECTED_ALERT_URL)]


async def test_aliases_in_telegram(db, chat):
    reply = await chat(42, '/alias @takaichi = Takaichi OR "Sanae Takaichi" OR 高市')
    assert reply["plain_text"].startswith("Defined @takaichi for this chat")
    reply = await chat(42, "/watch Modi + @takaichi")
    assert reply["plain_text"] == "Watching rule 1: Modi + @takaichi"
    reply = await chat(42, "/alias @bad = (")
    assert reply["plain_text"].startswith("That alias has a problem:")
    reply = await chat(43, "/alias global @pm = Modi")
    assert reply["plain_text"] == "Only this newsradar's admins can define aliases for everyone."
    reply = await chat(ADMIN, "/alias global @pm = Modi OR \"Narendra Modi\"")
    assert "for everyone" in reply["plain_text"]
    reply = await chat(42, "/aliases")
    assert "@takaichi" in reply["plain_text"] and "@pm" in reply["plain_text"] and "(everyone)" in reply["plain_text"]
    assert aliases_for(db, 42) == {"takaichi": 'Takaichi OR "Sanae Takaichi" OR 高市', "pm": 'Modi OR "Narendra Modi"'}
    reply = await chat(42, "/unalias @takaichi")
    assert reply["plain_text"] == "Removed @takaichi."
