"""Storage on a real SQLite file: WAL, busy timeout, migrations, articles, watchlists, outbox."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3

import pytest

from storage import LimitError, NotFoundError, StorageError, open_db, write
from storage.articles import get_article, known_url, upsert_article
from storage.outbox import claim_alerts, enqueue_alert, list_alerts, mark_sent, retry_later
from storage.watchlists import active_watches, add_watch, list_watches, remove_watch, set_chat_active

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _article(**over):
    base = dict(url="https://www.example.com/a-1.html", source="business-standard", title="Title",
                body="Body text", published=dt.datetime(2025, 11, 24, 6, 48, tzinfo=IST))
    return {**base, **over}


def test_database_is_wal_with_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migrations_apply_once_and_reopen_cleanly(db_path):
    first = open_db(db_path)
    applied = first.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    first.close()
    second = open_db(db_path)
    assert second.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == applied
    second.close()


def test_a_file_that_is_not_sqlite_gives_one_sentence(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not a database " * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        open_db(bad)


def test_article_keeps_its_zone_and_all_its_urls(db):
    r = upsert_article(db, _article(), seen_urls=["https://www.example.com/a-1.html?utm_source=rss"])
    assert r.status == "new"
    row = get_article(db, r.article_id)
    assert row["published"] == "2025-11-24T06:48:00+05:30"
    assert row["published_utc"] == "2025-11-24T01:18:00Z"
    assert known_url(db, "https://www.example.com/a-1.html?utm_source=rss") == r.article_id


def test_same_article_again_is_unchanged_and_an_edit_is_an_update(db):
    first = upsert_article(db, _article())
    assert upsert_article(db, _article()).status == "unchanged"
    edited = upsert_article(db, _article(title="Title, updated"))
    assert (edited.article_id, edited.status) == (first.article_id, "updated")
    assert get_article(db, first.article_id)["title"] == "Title, updated"


def test_full_text_search_follows_updates(db):
    r = upsert_article(db, _article(body="Semiconductors and AI"))
    upsert_article(db, _article(body="Railways and ports"))
    hits = lambda q: [row["rowid"] for row in db.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [q])]
    assert hits("railways") == [r.article_id]
    assert hits("semiconductors") == []


def test_one_alert_per_chat_and_article(db):
    art = upsert_article(db, _article()).article_id
    w = add_watch(db, 42, "Modi + Takaichi")
    assert enqueue_alert(db, chat_id=42, article_id=art, rule_id=w["id"], rule=w["rule"])
    assert not enqueue_alert(db, chat_id=42, article_id=art, rule_id=w["id"], rule=w["rule"])
    assert len(list_alerts(db)) == 1


def test_claimed_alert_is_not_claimed_again_until_its_lease_expires(db):
    art = upsert_article(db, _article()).article_id
    enqueue_alert(db, chat_id=1, article_id=art, rule_id=None, rule="x")
    assert len(claim_alerts(db, lease=dt.timedelta(seconds=60))) == 1
    assert claim_alerts(db) == []
    db.execute("UPDATE outbox SET lease_until = '2000-01-01T00:00:00Z'")
    again = claim_alerts(db)
    assert len(again) == 1 and again[0]["attempts"] == 2
    mark_sent(db, again[0]["id"], message_id=77)
    assert claim_alerts(db) == []
    assert list_alerts(db)[0]["message_id"] == 77


def test_retry_later_holds_an_alert_back(db):
    art = upsert_article(db, _article()).article_id
    enqueue_alert(db, chat_id=1, article_id=art, rule_id=None, rule="x")
    alert = claim_alerts(db, lease=dt.timedelta(seconds=0))[0]
    retry_later(db, alert["id"], delay=dt.timedelta(hours=1), error="rate limited")
    assert claim_alerts(db) == []
    assert list_alerts(db)[0]["error"] == "rate limited"


def test_watchlists_limits_and_removal(db):
    for i in range(3):
        add_watch(db, 5, f"term{i}", max_per_chat=3)
    with pytest.raises(LimitError, match="most allowed is 3"):
        add_watch(db, 5, "one more", max_per_chat=3)
    with pytest.raises(NotFoundError):
        remove_watch(db, 1, chat_id=6)
    remove_watch(db, 1, chat_id=5)
    assert [w["rule"] for w in list_watches(db, 5)] == ["term1", "term2"]


def test_inactive_chats_rules_are_not_matched(db):
    add_watch(db, 5, "Modi")
    add_watch(db, 6, "Takaichi")
    set_chat_active(db, 5, False)
    assert [w["chat_id"] for w in active_watches(db)] == [6]


def _hold_write_lock(path, ready, release):
    conn = sqlite3.connect(path)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO meta(key, value) VALUES ('holder', '1')")
    ready.set()
    release.wait(10)
    conn.execute("COMMIT")
    conn.close()


def test_a_second_writer_waits_instead_of_failing(db_path):
    db = open_db(db_path)
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_write_lock, args=(str(db_path), ready, release))
    proc.start()
    try:
        assert ready.wait(20)
        # Let the other process go in a moment; our write must wait for it, not fail.
        import threading
        threading.Timer(0.5, release.set).start()
        with write(db):
            upsert_article(db, _article())
    finally:
        proc.join(10)
    assert db.execute("SELECT value FROM meta WHERE key = 'holder'").fetchone()[0] == "1"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
