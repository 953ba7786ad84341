"""Real Scrapy crawls of the recorded demo web, through the CLI, into a real SQLite file."""
from __future__ import annotations

import json

import pytest

from newsradar.demo.web import DEMO_ARTICLES, DEMO_EXPECTED_ALERT_URL, URL_TAKAICHI_MODI_AMP
from storage import open_db
from tests.conftest import run_cli

SOURCES = ["business-standard", "the-hindu", "japan-times"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_warc):
    db_path = tmp_path_factory.mktemp("crawl") / "n.db"
    assert run_cli("--db", str(db_path), "rules", "add", "--chat", "42", "Modi + Takaichi").returncode == 0
    first = run_cli("--db", str(db_path), "crawl", *SOURCES, "--replay", str(demo_warc), "--json")
    assert first.returncode == 0, first.stderr
    second = run_cli("--db", str(db_path), "crawl", *SOURCES, "--replay", str(demo_warc), "--json")
    assert second.returncode == 0, second.stderr
    return db_path, json.loads(first.stdout), json.loads(second.stdout)


def test_every_article_is_stored_once_under_its_canonical_url(crawled):
    db_path, _, _ = crawled
    db = open_db(db_path)
    urls = [r[0] for r in db.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(DEMO_ARTICLES)
    # The AMP copy and the tracking link both lead to their one stored article.
    amp = db.execute("SELECT a.url FROM article_urls u JOIN articles a ON a.id = u.article_id WHERE u.url = ?",
                     [URL_TAKAICHI_MODI_AMP]).fetchone()
    assert amp is None or amp[0] == DEMO_EXPECTED_ALERT_URL


def test_articles_carry_their_metadata(crawled):
    db_path, _, _ = crawled
    out = run_cli("--db", str(db_path), "articles", "--json")
    rows = {r["url"]: r for r in json.loads(out.stdout)}
    seed = rows[DEMO_EXPECTED_ALERT_URL]
    assert seed["source"] == "business-standard"
    assert seed["published"] == "2025-11-24T06:48:00+05:30"
    assert seed["authors"] and seed["language"] == "en"
    story = DEMO_ARTICLES[DEMO_EXPECTED_ALERT_URL]
    assert seed["title"] == story.title


def test_body_has_no_sidebar_or_also_read_text(crawled):
    db_path, _, _ = crawled
    db = open_db(db_path)
    for url, story in DEMO_ARTICLES.items():
        body = db.execute("SELECT body FROM articles WHERE url = ?", [url]).fetchone()[0]
        assert story.paragraphs[0][:40] in body, url
        if "Takaichi" not in story.title and not any("Takaichi" in p for p in story.paragraphs):
            assert "Takaichi" not in body, f"sidebar or also-read text leaked into {url}"


def test_only_the_fresh_story_naming_both_is_alerted(crawled):
    db_path, first, _ = crawled
    out = run_cli("--db", str(db_path), "alerts", "--json")
    alerts = json.loads(out.stdout)
    assert [(a["chat_id"], a["url"], a["rule"], a["status"]) for a in alerts] == [
        (42, DEMO_EXPECTED_ALERT_URL, "Modi + Takaichi", "pending")
    ]
    assert {"chat_id", "rule_id", "rule", "url", "title", "status", "sent_at"} <= set(alerts[0])
    assert sum(s["alerts"] for s in first) == 1


def test_a_second_crawl_fetches_no_stored_article_again(crawled):
    _, first, second = crawled
    assert sum(s["articles_new"] for s in first) == len(DEMO_ARTICLES)
    assert sum(s["pages"] for s in second) == 0
    assert sum(s["articles_new"] for s in second) == 0


def test_freshness_window_can_be_widened(tmp_path, demo_warc):
    db_path = tmp_path / "n.db"
    run_cli("--db", str(db_path), "rules", "add", "--chat", "7", "Modi + Takaichi")
    out = run_cli("--db", str(db_path), "crawl", "business-standard", "the-hindu", "--replay", str(demo_warc),
                  env={"NEWSRADAR_FRESHNESS": "60d"})
    assert out.returncode == 0, out.stderr
    alerts = json.loads(run_cli("--db", str(db_path), "alerts", "--json").stdout)
    assert len(alerts) == 2  # the seed story and the month-old congratulation story


def test_record_then_replay_round_trip(tmp_path, demo_warc):
    """--record writes what a crawl fetched; replaying that file gives the same archive."""
    recorded = tmp_path / "rec.warc.gz"
    a = run_cli("--db", str(tmp_path / "a.db"), "crawl", "the-hindu", "--replay", str(demo_warc),
                "--record", str(recorded))
    assert a.returncode == 0, a.stderr
    b = run_cli("--db", str(tmp_path / "b.db"), "crawl", "the-hindu", "--replay", str(recorded))
    assert b.returncode == 0, b.stderr
    titles = lambda p: sorted(r[0] for r in open_db(p).execute("SELECT title FROM articles"))
    assert titles(tmp_path / "a.db") == titles(tmp_path / "b.db") and titles(tmp_path / "a.db")


def test_a_missing_warc_is_one_sentence(tmp_path):
    out = run_cli("--db", str(tmp_path / "n.db"), "crawl", "the-hindu", "--replay", str(tmp_path / "nope.warc.gz"))
    assert out.returncode == 1
    assert "does not exist" in out.stderr and "Traceback" not in out.stderr


def test_unknown_source_lists_the_known_ones(tmp_path):
    out = run_cli("--db", str(tmp_path / "n.db"), "crawl", "the-times")
    assert out.returncode == 1 and "Unknown source 'the-times'" in out.stderr and "the-hindu" in out.stderr
