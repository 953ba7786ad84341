"""The storage layer's behaviour, run once on SQLite and once on a real PostgreSQL server.

Every test takes ``store`` (a database URL or path) or ``sdb`` (an open database) and
must pass unchanged on both backends: that is the promise of `storage.open_db`.
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing

import pytest

import rules
from bot.search import search_archive
from storage import LimitError, NotFoundError, StorageError, backend, open_db, write
from storage import schema as sqlite_schema
from storage import schema_pg
from storage.aliases import aliases_for, list_aliases, remove_alias, set_alias
from storage.articles import count_articles, get_article, known_url, list_articles, upsert_article
from storage.chat_settings import (
    forget_chat, get_settings, mute_rule, muted_rules, pause_source, paused_sources, update_settings,
)
from storage.crawlstate import archive_done, judged_before, mark_archive_done, remember_version, stored_version
from storage.deliveries import claim_chat, claim_due, claim_held, finish_edit, hold, mark_delivered, pending_edits
from storage.fingerprints import fingerprint
from storage.notices import add_notice, claim_notices, mark_notice
from storage.outbox import claim_alerts, enqueue_alert, list_alerts, mark_sent, retry_later
from storage.runs import finish_run, get_validators, list_runs, save_validators, start_run
from storage.stories import assign_story, drop_fingerprints, record_version, refresh_fingerprint, story_of
from storage.watchlists import (
    active_watches, add_watch, list_watches, remove_watch, set_chat_active, subscribe, watchlists_version,
)
from tests.fixtures.dedup.labelled import load_labelled
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)

NOW = dt.datetime(2025, 11, 24, 12, 0, tzinfo=dt.timezone.utc)
LABELLED = {a.key: a for a in load_labelled()}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """Where a database lives: a SQLite file path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "newsradar.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sdb(store):
    db = open_db(store)
    yield db
    db.close()


def _article(n: int, **extra) -> dict:
    return {"url": f"https://example.com/{n}", "source": "the-hindu", "title": f"Story {n}",
            "body": f"Body of story {n}.", "published": NOW - dt.timedelta(hours=n), **extra}


def _alerts(db, chat_ids, per_chat: int) -> list[int]:
    ids = []
    n = 0
    for chat in chat_ids:
        for _ in range(per_chat):
            n += 1
            art = upsert_article(db, _article(n))
            enqueue_alert(db, chat_id=chat, article_id=art.article_id, rule_id=None, rule="Story")
            ids.append(art.article_id)
    return ids


# -- opening and migrations -----------------------------------------------------------
def test_every_sqlite_migration_has_a_postgresql_twin():
    assert [m.name for m in sqlite_schema.MIGRATIONS._migrations] == [name for name, _ in schema_pg.MIGRATIONS]


def test_migrations_apply_once_and_reopening_changes_nothing(store):
    first = open_db(store)
    tables = set(first.table_names())
    first.close()
    again = open_db(store)
    try:
        assert set(again.table_names()) == tables
        pending = (schema_pg.pending(again) if backend(again) == "postgresql"
                   else sqlite_schema.MIGRATIONS.pending(again))
        assert list(pending) == []
        for name in ("articles", "article_urls", "outbox", "notices", "crawl_runs", "stories",
                     "fingerprint_bands", "aliases", "chat_settings", "listed_versions", "backfill_done"):
            assert name in tables
    finally:
        again.close()


def test_a_wrong_database_location_is_one_sentence(tmp_path):
    with pytest.raises(StorageError, match=r"^Could not connect to PostgreSQL at postgresql://u:\*\*\*@127\.0\.0\.1:1/x"):
        open_db("postgresql://u:secret@127.0.0.1:1/x")
    with pytest.raises(StorageError, match="is not a database newsradar knows"):
        open_db("mysql://localhost/x")
    db = open_db(f"sqlite:///{tmp_path / 'via-url.db'}")
    assert backend(db) == "sqlite" and (tmp_path / "via-url.db").exists()
    db.close()


# -- articles -----------------------------------------------------------------------------
def test_upsert_dedups_by_url_and_remembers_every_url(sdb):
    first = upsert_article(sdb, _article(1), seen_urls=["https://example.com/1?utm_source=x", "https://amp.example.com/1"])
    assert first.status == "new"
    assert upsert_article(sdb, _article(1)).status == "unchanged"
    assert upsert_article(sdb, _article(1, body="Body, corrected.")).status == "updated"
    assert known_url(sdb, "https://amp.example.com/1") == first.article_id
    assert known_url(sdb, "https://example.com/2") is None
    stored = get_article(sdb, first.article_id)
    assert stored["body"] == "Body, corrected." and stored["published"] == "2025-11-24T11:00:00+00:00"
    upsert_article(sdb, _article(2))
    assert count_articles(sdb) == 2
    assert [a["url"] for a in list_articles(sdb)] == ["https://example.com/1", "https://example.com/2"]


# -- stories --------------------------------------------------------------------------------
def _story(db, key, *, url=None):
    a = LABELLED[key]
    with write(db):
        stored = upsert_article(db, {"url": url or f"https://{a.source}.example/{key}", "source": a.source,
                                     "title": a.title, "body": a.body, "published": a.published})
        return assign_story(db, stored.article_id, fingerprint(a.title, a.body), seen_at=a.published)


def test_a_copy_joins_the_first_report_and_an_update_keeps_it(sdb):
    first = _story(sdb, "rbi-policy/reuters")
    copy = _story(sdb, "rbi-policy/mint/2")
    own = _story(sdb, "rbi-policy-own-report/the-hindu")
    assert (first.joined, copy.joined) == ("first", "copy")
    assert copy.story_id == first.story_id and copy.matched_article_id == first.article_id
    assert own.story_id != first.story_id
    story = story_of(sdb, copy.article_id)
    assert [m["id"] for m in story["members"]] == [first.article_id, copy.article_id]
    assert story["members"][1]["why"].startswith(f"near-verbatim copy of article {first.article_id}: ")

    other = LABELLED["delhi-air/ians"]
    refreshed = refresh_fingerprint(sdb, first.article_id, fingerprint(other.title, other.body), seen_at=NOW)
    assert refreshed.story_id == first.story_id
    record_version(sdb, first.article_id, title="v1", modified=None, content_hash="a")
    record_version(sdb, first.article_id, title="v1", modified=None, content_hash="a")
    record_version(sdb, first.article_id, title="v2", modified=None, content_hash="b")
    assert [v["title"] for v in story_of(sdb, first.article_id)["members"][0]["versions"]] == ["v1", "v2"]
    assert drop_fingerprints(sdb, [copy.article_id, 10**9]) == 1
    assert sdb.execute("SELECT count(*) FROM fingerprint_bands WHERE article_id = ?",
                       [copy.article_id]).fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        story_of(sdb, 10**9)


# -- watchlists, aliases, chat settings ------------------------------------------------------
def test_watchlists_limits_versions_and_active_rules(sdb):
    assert subscribe(sdb, 1001) is True and subscribe(sdb, 1001) is False
    version = watchlists_version(sdb)
    w1 = add_watch(sdb, 1001, "Modi + Takaichi", max_per_chat=2)
    add_watch(sdb, -1001234567890, "Sensex", name="markets", chat_kind="supergroup")
    add_watch(sdb, 1001, "RBI", max_per_chat=2)
    with pytest.raises(LimitError, match="already has 2 rules"):
        add_watch(sdb, 1001, "Nikkei", max_per_chat=2)
    assert watchlists_version(sdb) == version + 3
    set_chat_active(sdb, -1001234567890, False)
    assert [w["rule"] for w in active_watches(sdb)] == ["Modi + Takaichi", "RBI"]
    with pytest.raises(NotFoundError):
        remove_watch(sdb, w1["id"], chat_id=42)
    remove_watch(sdb, w1["id"], chat_id=1001)
    assert [w["rule"] for w in list_watches(sdb, 1001)] == ["RBI"]


def test_aliases_per_chat_shadow_global_ones(sdb):
    assert set_alias(sdb, "@Takaichi", "Takaichi OR 高市") is True
    assert set_alias(sdb, "takaichi", "Takaichi OR 高市 OR Sanae") is False
    set_alias(sdb, "takaichi", '"Sanae Takaichi"', chat_id=7)
    assert aliases_for(sdb, 7) == {"takaichi": '"Sanae Takaichi"'}
    assert aliases_for(sdb, 8) == {"takaichi": "Takaichi OR 高市 OR Sanae"}
    assert [a["chat_id"] for a in list_aliases(sdb, chat_id=7)] == [7, 0]
    remove_alias(sdb, "takaichi", chat_id=7)
    with pytest.raises(NotFoundError, match="no alias @takaichi for this chat"):
        remove_alias(sdb, "takaichi", chat_id=7)


def test_chat_settings_mutes_pauses_and_forgetting(sdb):
    assert get_settings(sdb, 5)["mode"] == "instant"
    update_settings(sdb, 5, mode="digest", digest_at="07:30")
    assert update_settings(sdb, 5, tz="Asia/Tokyo")["digest_at"] == "07:30"
    watch = add_watch(sdb, 5, "Nikkei")
    mute_rule(sdb, 5, watch["id"], NOW + dt.timedelta(hours=1))
    mute_rule(sdb, 5, watch["id"], NOW + dt.timedelta(hours=2))
    assert muted_rules(sdb, 5, now=NOW) == {watch["id"]: "2025-11-24T14:00:00Z"}
    assert pause_source(sdb, 5, "nhk") is True and pause_source(sdb, 5, "nhk") is False
    assert paused_sources(sdb, 5) == {"nhk"}
    assert forget_chat(sdb, 5) == {"rules": 1, "alerts": 0}
    assert get_settings(sdb, 5)["mode"] == "instant" and paused_sources(sdb, 5) == set()


# -- outbox, leases, concurrent claims ---------------------------------------------------------
def test_one_alert_per_chat_and_article_and_leases(sdb):
    art = upsert_article(sdb, _article(1))
    assert enqueue_alert(sdb, chat_id=1, article_id=art.article_id, rule_id=None, rule="x") is True
    assert enqueue_alert(sdb, chat_id=1, article_id=art.article_id, rule_id=None, rule="x") is False
    claimed = claim_alerts(sdb, lease=dt.timedelta(seconds=60))
    assert [a["title"] for a in claimed] == ["Story 1"] and claimed[0]["attempts"] == 1
    assert claim_alerts(sdb) == []                       # leased
    sdb.execute("UPDATE outbox SET lease_until = ? WHERE id = ?", ["2000-01-01T00:00:00Z", claimed[0]["id"]])
    again = claim_alerts(sdb)                            # lease expired: claimed again
    assert [a["id"] for a in again] == [claimed[0]["id"]] and again[0]["attempts"] == 2
    retry_later(sdb, again[0]["id"], delay=dt.timedelta(minutes=5), error="flood")
    assert claim_alerts(sdb) == []
    mark_sent(sdb, again[0]["id"], message_id=77)
    assert list_alerts(sdb, status="sent")[0]["message_id"] == 77


def _claimer(store: str, fn: str, out) -> None:
    db = open_db(store)
    got = []
    claim = {"alerts": lambda: claim_alerts(db, limit=5),
             "due": lambda: claim_due(db, limit=5, per_chat=2)}[fn]
    empty = 0
    while empty < 3:
        batch = claim()
        empty = 0 if batch else empty + 1
        for alert in batch:
            mark_sent(db, alert["id"], message_id=alert["id"])
        got.extend(a["id"] for a in batch)
    db.close()
    out.put(got)


@pytest.mark.parametrize("fn", ["alerts", "due"])
def test_four_concurrent_claimers_never_claim_one_alert_twice(sdb, store, fn):
    _alerts(sdb, range(1, 11), per_chat=12)                # 120 alerts, 10 chats
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(store, fn, out)) for _ in range(4)]
    for p in procs:
        p.start()
    claimed = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    everything = [i for part in claimed for i in part]
    assert len(everything) == len(set(everything)) == 120
    assert sdb.execute("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 1").fetchone()[0] == 120


def test_fair_claims_holds_and_edits(sdb):
    _alerts(sdb, [1, 2], per_chat=3)
    first = claim_due(sdb, per_chat=2)
    assert sorted((a["chat_id"] for a in first)) == [1, 1, 2, 2]
    rest = claim_chat(sdb, 1)
    assert [a["chat_id"] for a in rest] == [1]
    hold(sdb, [a["id"] for a in first if a["chat_id"] == 2], until=NOW - dt.timedelta(seconds=1), reason="quiet")
    held = claim_held(sdb)
    assert list(held) == [2] and len(held[2]) == 2
    mark_delivered(sdb, [rest[0]["id"]], message_id=5, folds_shown={rest[0]["id"]: 0})
    sdb.execute("UPDATE outbox SET folded_into = ?, status = 'folded' WHERE id = ?", [rest[0]["id"], first[0]["id"]])
    sdb.execute("UPDATE outbox SET edit_pending = 1 WHERE id = ?", [rest[0]["id"]])
    assert [a["id"] for a in pending_edits(sdb)] == [rest[0]["id"]]
    finish_edit(sdb, rest[0]["id"], folds_shown=1)
    assert pending_edits(sdb) == []


# -- notices, crawl runs, crawl state -----------------------------------------------------------
def test_notices_once_per_incident(sdb):
    assert add_notice(sdb, [1, 2], "Source nhk failing", key="nhk:1") == 2
    assert add_notice(sdb, [1, 2], "Source nhk failing", key="nhk:1") == 0
    notices = claim_notices(sdb)
    assert [(n["chat_id"], n["attempts"]) for n in notices] == [(1, 1), (2, 1)]
    assert claim_notices(sdb) == []
    mark_notice(sdb, notices[0]["id"], status="sent")
    mark_notice(sdb, notices[1]["id"], status="pending", retry_in=dt.timedelta(seconds=-1))
    assert [n["chat_id"] for n in claim_notices(sdb)] == [2]


def test_crawl_runs_validators_and_crawl_state(sdb):
    run = start_run(sdb, "nhk")
    finish_run(sdb, run, status="ok", pages=3, articles_new=2, articles_updated=1, alerts=1,
               errors=[{"url": "https://nhk.example/x", "reason": "404"}])
    got = list_runs(sdb, source="nhk")[0]
    assert (got["id"], got["status"], got["errors"], got["error_log"][0]["reason"]) == (run, "ok", 1, "404")
    save_validators(sdb, "https://nhk.example/feed", '"abc"', None)
    save_validators(sdb, "https://nhk.example/feed", '"def"', "Mon, 24 Nov 2025 10:00:00 GMT")
    assert get_validators(sdb, "https://nhk.example/feed") == ('"def"', "Mon, 24 Nov 2025 10:00:00 GMT")
    art = upsert_article(sdb, _article(1))
    remember_version(sdb, "https://example.com/1", NOW)
    assert stored_version(sdb, art.article_id, "https://example.com/1") == NOW
    assert judged_before(sdb, "https://example.com/1", NOW) and not judged_before(sdb, "https://example.com/1", NOW + dt.timedelta(1))
    mark_archive_done(sdb, "nhk", "https://nhk.example/sitemap-2025-11.xml", 10)
    assert archive_done(sdb, "nhk", "https://nhk.example/sitemap-2025-11.xml")


# -- full-text search through the rule language ------------------------------------------------
SEARCHED = [
    ("Modi meets Takaichi at G20", "Prime Minister Narendra Modi and Sanae Takaichi met in Johannesburg."),
    ("Modi holds talks with Albanese", "Narendra Modi spoke about trade, semiconductors and critical minerals."),
    ("Takaichi unveils budget", "The Takaichi cabinet approved an extra budget of ¥17.7 trillion."),
    ("高市首相、モディ首相と会談", "高市首相はヨハネスブルクでモディ首相と会談した。"),
    ("मोदी ने ताकाइची से मुलाकात की", "प्रधानमंत्री मोदी ने जोहान्सबर्ग में बात की।"),
    ("Café culture returns to Delhi", "Takaichi's café visit; the Indo-Pacific plan, version 3.5."),
    ("Modine radiator maker expands", "Modine opened a plant in Chennai, modified for exports."),
]
RULES = ["Modi + Takaichi", "Modi -Trump", "modi*", "title:Modi semicon*", "cafe", "Takaichi",
         '"Sanae Takaichi" OR 高市', "मोदी", "Indo NEAR/2 Pacific", "3 AND 5", "Modi source:the-hindu",
         "(Modi OR Shah) AND Johannesburg", "trillion -budget"]


@pytest.mark.parametrize("text", RULES)
def test_search_finds_exactly_what_the_rule_matches(sdb, text):
    for i, (title, body) in enumerate(SEARCHED):
        upsert_article(sdb, {"url": f"https://example.com/{i}", "source": "the-hindu", "title": title,
                             "body": body, "published": NOW - dt.timedelta(hours=i)})
    rule = rules.parse(text)
    expected = [t for t, b in SEARCHED if rule.matches(rules.Document(title=t, body=b, source="the-hindu"))]
    found = search_archive(sdb, rule, limit=50, now=NOW)
    assert [row["title"] for row, _ in found.found] == expected


def test_postgresql_search_folds_text_as_the_rules_do(postgres_url):
    """NFKC and case folding (full-width letters, ß) reach the PostgreSQL index too; SQLite's
    FTS5 unicode61 tokenizer does neither, a known gap of the SQLite prefilter."""
    db = open_db(postgres_url)
    try:
        upsert_article(db, {"url": "https://example.com/w", "source": "nhk", "title": "Straße im Ｔａｋａｉｃｈｉ-Kabinett",
                            "body": "", "published": NOW})
        for text in ("strasse", "Takaichi", "kabinett"):
            found = search_archive(db, rules.parse(text), now=NOW)
            assert [row["url"] for row, _ in found.found] == ["https://example.com/w"], text
    finally:
        db.close()


# -- the whole app on PostgreSQL: a crawl, and migrate-db --------------------------------------
def _rows(db, table: str, order: str) -> list[dict]:
    return [dict(r) for r in db.query(f"SELECT * FROM {table} ORDER BY {order}")]


_COMPARED = {  # table -> order; time-stamped columns differ between two crawls and are left out
    "articles": "url", "article_urls": "url", "outbox": "chat_id, article_id", "article_fingerprints": "article_id",
}
_VOLATILE = {"id", "fetched_at", "updated_at", "created_at", "joined_at", "article_id", "story_id",
             "matched_article_id", "seen_at"}


@pytest.fixture(scope="module")
def crawled_sqlite(tmp_path_factory, demo_warc):
    from tests.conftest import run_cli

    path = tmp_path_factory.mktemp("crawl") / "n.db"
    assert run_cli("--db", str(path), "rules", "add", "--chat", "42", "Modi + Takaichi").returncode == 0
    out = run_cli("--db", str(path), "crawl", "business-standard", "the-hindu", "japan-times",
                  "--replay", str(demo_warc), "--json")
    assert out.returncode == 0, out.stderr
    return path


def test_a_crawl_into_postgresql_stores_what_it_stores_in_sqlite(crawled_sqlite, postgres_url, demo_warc):
    from tests.conftest import run_cli

    assert run_cli("--db", postgres_url, "rules", "add", "--chat", "42", "Modi + Takaichi").returncode == 0
    out = run_cli("--db", postgres_url, "crawl", "business-standard", "the-hindu", "japan-times",
                  "--replay", str(demo_warc), "--json")
    assert out.returncode == 0, out.stderr
    lite, pg = open_db(crawled_sqlite), open_db(postgres_url)
    try:
        for table, order in _COMPARED.items():
            a = [{k: v for k, v in r.items() if k not in _VOLATILE} for r in _rows(lite, table, order)]
            b = [{k: v for k, v in r.items() if k not in _VOLATILE} for r in _rows(pg, table, order)]
            assert a == b, table
        alerts = json.loads(run_cli("--db", postgres_url, "alerts", "--json").stdout)
        assert [(a["chat_id"], a["rule"], a["status"]) for a in alerts] == [(42, "Modi + Takaichi", "pending")]
    finally:
        lite.close()
        pg.close()


def test_migrate_db_copies_every_table_with_its_ids(crawled_sqlite, postgres_url):
    from tests.conftest import run_cli

    out = run_cli("--db", str(crawled_sqlite), "migrate-db", "--to", postgres_url, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    lite, pg = open_db(crawled_sqlite), open_db(postgres_url)
    try:
        tables = [t for t in lite.table_names() if not t.startswith(("_sqlite", "articles_fts", "sqlite_"))]
        assert set(report["tables"]) == set(tables)
        for table in tables:
            order = "id" if "id" in lite[table].columns_dict else ", ".join(lite[table].pks)
            assert _rows(pg, table, order) == _rows(lite, table, order), table
            assert report["tables"][table] == lite[table].count
        assert report["rows"] == sum(report["tables"].values()) > 0
        # Sequences continue after the copied ids; the search index was rebuilt.
        next_id = add_watch(pg, 9, "Nikkei")["id"]
        assert next_id == lite.execute("SELECT max(id) FROM watchlists").fetchone()[0] + 1
        found = search_archive(pg, rules.parse("Modi + Takaichi"), limit=50)
        assert found.total == search_archive(lite, rules.parse("Modi + Takaichi"), limit=50).total > 0
    finally:
        lite.close()
        pg.close()
    again = run_cli("--db", str(crawled_sqlite), "migrate-db", "--to", postgres_url)
    assert again.returncode == 1
    assert "already holds data (in articles, watchlists, outbox, chats, crawl_runs)" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize("target, message", [
    ("sqlite:///copy.db", "--to must be a postgresql:// URL"),
    ("postgresql://nobody:pw@127.0.0.1:1/none", "Could not connect to PostgreSQL at postgresql://nobody:***@127.0.0.1:1/none"),
    ("redis://localhost", "is not a database newsradar knows"),
])
def test_migrate_db_refuses_a_wrong_target_in_one_sentence(tmp_path, target, message):
    from tests.conftest import run_cli

    out = run_cli("--db", str(tmp_path / "n.db"), "migrate-db", "--to", target)
    assert out.returncode == 1 and message in out.stderr and "Traceback" not in out.stderr
    assert "pw@" not in out.stderr


# -- where the database is: NEWSRADAR_DB and --db ----------------------------------------------
@pytest.mark.parametrize("given, expected", [
    ("news.db", "news.db"),
    ("sqlite:///data/news.db", "data/news.db"),
    ("sqlite:////var/lib/newsradar/news.db", "/var/lib/newsradar/news.db"),
])
def test_sqlite_locations_become_paths(given, expected):
    from pathlib import Path

    from newsradar.config import load_config

    assert load_config(env={"NEWSRADAR_DB": given}).db_path == Path(expected)


def test_a_postgresql_url_is_kept_whole_and_a_foreign_one_refused():
    from newsradar.config import load_config
    from newsradar.errors import ConfigError

    url = "postgresql://newsradar:pw@db.example:5432/newsradar"
    assert load_config(env={"NEWSRADAR_DB": url}).db_path == url
    assert load_config(url, env={}).db_path == url
    with pytest.raises(ConfigError, match=r"^NEWSRADAR_DB 'mysql://u:\*\*\*@h/x' is not a database newsradar knows"):
        load_config(env={"NEWSRADAR_DB": "mysql://u:pw@h/x"})
