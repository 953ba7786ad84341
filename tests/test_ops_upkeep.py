"""Retention, stale runs, checkpoints and online backups on real SQLite files."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading

import pytest

from newsradar.upkeep import (
    UpkeepError, apply_retention, backup, checkpoint, last_runs, mark_ran, run_upkeep, sweep_stale_runs,
)
from storage import open_db, utcnow
from storage.articles import upsert_article
from storage.runs import finish_run, start_run
from tests.conftest import run_cli

NOW = utcnow()


def _article(db, n: int, age_days: float, body: str = "Takaichi met Modi in Tokyo about the ports fund.") -> int:
    return upsert_article(db, {
        "url": f"https://www.thehindu.com/news/article{n}.ece", "source": "the-hindu",
        "title": f"Summit story {n} Kolkata", "body": body, "summary": "A summary",
        "published": NOW - dt.timedelta(days=age_days),
    }, seen_urls=[f"https://www.thehindu.com/amp/article{n}.ece"]).article_id


def _search(db, term: str) -> list[int]:
    return [r[0] for r in db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", [term])]


def test_retention_drops_old_bodies_and_keeps_metadata_searchable_by_title(db):
    old, new = _article(db, 1, 400), _article(db, 2, 10)
    assert _search(db, "Takaichi") == [old, new]
    assert apply_retention(db, dt.timedelta(days=365), dry_run=True)["articles"] == 1
    result = apply_retention(db, dt.timedelta(days=365), now=NOW)
    assert result["articles"] == 1 and result["keep_metadata"]
    row = db.execute("SELECT title, body, summary, url FROM articles WHERE id = ?", [old]).fetchone()
    assert row[0] == "Summit story 1 Kolkata" and row[1] == "" and row[2] is None
    assert _search(db, "Takaichi") == [new]               # the body's words are gone from search
    assert _search(db, "Kolkata") == [old, new]           # the title's stay
    assert db.execute("SELECT count(*) FROM article_urls WHERE article_id = ?", [old]).fetchone()[0] == 2
    assert apply_retention(db, dt.timedelta(days=365), now=NOW)["articles"] == 0  # idempotent
    assert db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')") is not None


def test_retention_can_drop_old_articles_entirely(db):
    old, new = _article(db, 1, 400), _article(db, 2, 10)
    db.execute("INSERT INTO outbox(chat_id, article_id, rule, created_at) VALUES (1, ?, 'x', 'now')", [old])
    db.conn.commit()
    assert apply_retention(db, dt.timedelta(days=365), keep_metadata=False, now=NOW)["articles"] == 1
    assert [r[0] for r in db.execute("SELECT id FROM articles")] == [new]
    assert _search(db, "Kolkata") == [new]
    assert {r[0] for r in db.execute("SELECT article_id FROM article_urls")} == {new}
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_deleting_old_articles_takes_them_out_of_the_near_duplicate_index(db):
    from storage.fingerprints import fingerprint
    from storage.stories import assign_story

    body = " ".join(f"Paragraph {i} of the wire story on ports, chips and the new fund for coastal states."
                    for i in range(8))
    old, new = _article(db, 1, 400, body=body), _article(db, 2, 10, body=body + " An added line.")
    for article_id in (old, new):
        assign_story(db, article_id, fingerprint("t", body), seen_at=NOW)
    apply_retention(db, dt.timedelta(days=365), keep_metadata=False, now=NOW)
    left = {r[0] for r in db.execute("SELECT DISTINCT article_id FROM fingerprint_bands")}
    assert left == {new}
    assert {r[0] for r in db.execute("SELECT article_id FROM article_fingerprints")} == {new}


def test_retention_works_in_batches_on_many_rows(db):
    for n in range(1203):
        _article(db, n, 500, body=f"body {n}")
    assert apply_retention(db, dt.timedelta(days=365), now=NOW)["articles"] == 1203
    assert db.execute("SELECT count(*) FROM articles WHERE body != ''").fetchone()[0] == 0


def test_runs_left_running_by_a_killed_crawl_are_marked_interrupted(db):
    stale = start_run(db, "the-hindu")
    db.execute("UPDATE crawl_runs SET started_at = '2020-01-01T00:00:00Z' WHERE id = ?", [stale])
    db.conn.commit()
    live = start_run(db, "the-hindu")
    assert sweep_stale_runs(db, dt.timedelta(hours=1)) == 1
    rows = dict(db.execute("SELECT id, status FROM crawl_runs").fetchall())
    assert rows == {stale: "interrupted", live: "running"}
    log = json.loads(db.execute("SELECT error_log FROM crawl_runs WHERE id = ?", [stale]).fetchone()[0])
    assert "interrupted" in log[0]["reason"]


def test_checkpoint_and_last_runs(db, db_path):
    _article(db, 1, 1)
    assert checkpoint(db, "TRUNCATE")["busy"] is False
    assert (db_path.with_name(db_path.name + "-wal")).stat().st_size == 0
    with pytest.raises(UpkeepError):
        checkpoint(db, "SOMETIMES")
    mark_ran(db, "upkeep:upkeep", NOW)
    start_run(db, "japan-times")  # still running (or killed): not a run that counts
    finish_run(db, start_run(db, "the-hindu"), status="failed", pages=0, articles_new=0, articles_updated=0,
               alerts=0, errors=[])
    seen = last_runs(db)
    assert set(seen) == {"the-hindu", "upkeep:upkeep"} and seen["upkeep:upkeep"].replace(microsecond=0) == NOW.replace(microsecond=0)


def test_run_upkeep_does_every_step_and_remembers_it(db, tmp_path):
    _article(db, 1, 400)
    report = run_upkeep(db, retention=dt.timedelta(days=365), backup_to=tmp_path / "daily-{date}.db")
    assert report["retention"]["articles"] == 1 and report["stale_runs"] == 0
    assert report["backup"]["file"].endswith(f"daily-{utcnow():%Y-%m-%d}.db")
    assert "upkeep:upkeep" in last_runs(db)


def test_backup_is_a_checked_single_file_copy_taken_while_a_writer_writes(db, db_path, tmp_path):
    for n in range(300):
        _article(db, n, 1, body="word " * 400)
    done = threading.Event()

    def writer():
        other = open_db(db_path)
        n = 1000
        while not done.is_set():
            _article(other, n, 1)
            n += 1
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = backup(db, tmp_path / "copy.db", pages_per_step=16)
    finally:
        done.set()
        thread.join()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == result["articles"] >= 300
    assert copy.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'word'").fetchone()[0] >= 300
    copy.close()
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(UpkeepError, match="already exists; pass --overwrite"):
        backup(db, tmp_path / "copy.db")
    with pytest.raises(UpkeepError, match="cannot overwrite the database itself"):
        backup(db, db_path, overwrite=True)
    with pytest.raises(UpkeepError, match="does not exist"):
        backup(db, tmp_path / "no" / "such" / "dir.db")


def test_backup_and_upkeep_commands(db, db_path, tmp_path):
    _article(db, 1, 400)
    _article(db, 2, 3)
    out = run_cli("--db", str(db_path), "backup", str(tmp_path / "b.db"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Backed up 2 articles to ")
    again = run_cli("--db", str(db_path), "backup", str(tmp_path / "b.db"))
    assert again.returncode == 1 and "already exists; pass --overwrite" in again.stderr
    assert run_cli("--db", str(db_path), "backup", "--overwrite", str(tmp_path / "b.db")).returncode == 0

    dry = run_cli("--db", str(db_path), "upkeep", "--dry-run")
    assert dry.returncode == 0 and "would drop 1 article(s)" in dry.stdout
    done = json.loads(run_cli("--db", str(db_path), "upkeep", "--retention", "30d", "--json").stdout)
    assert done["retention"]["articles"] == 1 and done["checkpoint"]["mode"] == "TRUNCATE"
    bad = run_cli("--db", str(db_path), "upkeep", "--retention", "forever")
    assert bad.returncode == 1 and "--retention 'forever' is not a duration" in bad.stderr
