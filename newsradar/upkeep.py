"""Keeping the database small and healthy for months: retention, stale runs, PRAGMA
optimize, WAL checkpoints, and online backups with SQLite's backup API.

Every step works on a live database: writes go in short BEGIN IMMEDIATE batches so a
crawl or the sender never waits long, and the backup copies a few pages at a time.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from storage import iso_utc, is_postgres, utcnow, write
from storage.stories import drop_fingerprints

from .errors import NewsradarError

logger = logging.getLogger("newsradar.upkeep")

BATCH = 500                      # rows per write transaction
STALE_RUN = dt.timedelta(hours=1)  # a 'running' crawl older than this has died


class UpkeepError(NewsradarError):
    pass


def apply_retention(db: sqlite_utils.Database, older_than: dt.timedelta, *, keep_metadata: bool = True,
                    now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """Drop the bodies of articles published (else fetched) before ``now - older_than``.

    With ``keep_metadata`` the row stays (title, URL, dates, authors) and so does its
    full-text entry for the title; without it the row goes, and with it its URLs, its
    search entry and its outbox history.
    """
    cutoff = iso_utc((now or utcnow()) - older_than)[:19]
    old = "substr(coalesce(published_utc, fetched_at), 1, 19) < ?"
    if keep_metadata:
        select = f"SELECT id FROM articles WHERE {old} AND body != '' ORDER BY id LIMIT {BATCH}"
        change = "UPDATE articles SET body = '', summary = NULL WHERE id IN ({})"
    else:
        select = f"SELECT id FROM articles WHERE {old} ORDER BY id LIMIT {BATCH}"
        change = "DELETE FROM articles WHERE id IN ({})"
    if dry_run:
        count = db.execute(select.replace("SELECT id", "SELECT count(*)").split(" ORDER BY")[0], [cutoff]).fetchone()[0]
        return {"cutoff": cutoff + "Z", "articles": count, "keep_metadata": keep_metadata, "dry_run": True}
    total = 0
    while True:
        with write(db):
            ids = [r[0] for r in db.execute(select, [cutoff]).fetchall()]
            if ids and not keep_metadata:
                drop_fingerprints(db, ids)  # band rows have no foreign key to cascade
            if ids:
                db.execute(change.format(",".join("?" * len(ids))), ids)
        total += len(ids)
        if len(ids) < BATCH:
            break
    return {"cutoff": cutoff + "Z", "articles": total, "keep_metadata": keep_metadata, "dry_run": False}


def sweep_stale_runs(db: sqlite_utils.Database, older_than: dt.timedelta = STALE_RUN,
                     now: dt.datetime | None = None) -> int:
    """Mark crawl runs still 'running' long after any crawl would have ended as 'interrupted'
    (their process was killed); the articles they stored are complete, each in its own transaction."""
    cutoff = iso_utc((now or utcnow()) - older_than)
    reason = json.dumps([{"url": "", "reason": "interrupted: the crawl process ended without finishing"}])
    with write(db):
        return db.execute(
            "UPDATE crawl_runs SET status = 'interrupted', finished_at = ?, errors = errors + 1, error_log = ? "
            "WHERE status = 'running' AND started_at < ?", [iso_utc(utcnow()), reason, cutoff],
        ).rowcount


def interrupt_runs(db: sqlite_utils.Database, sources, since: str) -> int:
    """Mark the runs of ``sources`` started at or after ``since`` and still 'running' as 'interrupted'."""
    sources = list(sources)
    if not sources:
        return 0
    reason = json.dumps([{"url": "", "reason": "interrupted: the crawl process ended without finishing"}])
    with write(db):
        return db.execute(
            f"UPDATE crawl_runs SET status = 'interrupted', finished_at = ?, errors = errors + 1, error_log = ? "
            f"WHERE status = 'running' AND started_at >= ? AND source IN ({','.join('?' * len(sources))})",
            [iso_utc(utcnow()), reason, since, *sources],
        ).rowcount


def optimize(db: sqlite_utils.Database) -> None:
    """Refresh the query planner's statistics (PostgreSQL's autovacuum does this itself)."""
    if is_postgres(db):
        return
    db.execute("PRAGMA optimize")


def checkpoint(db: sqlite_utils.Database, mode: str = "PASSIVE") -> dict:
    """Copy the WAL back into the database; TRUNCATE also shrinks the WAL file when no reader holds it."""
    if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
        raise UpkeepError(f"Unknown checkpoint mode {mode!r}.")
    if is_postgres(db):  # the server checkpoints its own WAL
        return {"mode": mode, "busy": False, "wal_pages": 0, "checkpointed": 0}
    busy, log, done = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return {"mode": mode, "busy": bool(busy), "wal_pages": log, "checkpointed": done}


def backup(db: sqlite_utils.Database, target: str | Path, *, overwrite: bool = False,
           pages_per_step: int = 256) -> dict:
    """Copy the live database to ``target`` with SQLite's online backup API.

    Writers carry on meanwhile (the copy restarts its step when a page changes under it).
    The copy is written beside the target, checked, switched out of WAL mode so it is one
    self-contained file, and only then renamed into place.
    """
    if is_postgres(db):
        raise UpkeepError("newsradar backup copies a SQLite file; back up PostgreSQL with its own "
                          "tools (pg_dump, or the server's base backups).")
    target = Path(str(target).replace("{date}", utcnow().strftime("%Y-%m-%d")))
    if target.exists() and not overwrite:
        raise UpkeepError(f"{target} already exists; pass --overwrite to replace it.")
    if not target.parent.exists():
        raise UpkeepError(f"The folder {target.parent} does not exist.")
    source_file = db.execute("PRAGMA database_list").fetchone()[2]
    if source_file and Path(source_file).resolve() == target.resolve():
        raise UpkeepError("The backup cannot overwrite the database itself; choose another file.")
    partial = target.with_name(target.name + ".partial")
    started = time.monotonic()
    try:
        partial.unlink(missing_ok=True)
        copy = sqlite3.connect(str(partial))
        try:
            db.conn.backup(copy, pages=pages_per_step, sleep=0.005)
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            copy.close()
        if verdict != "ok":
            raise UpkeepError(f"The backup copy failed its check ({verdict}); {target} was not written.")
        os.replace(partial, target)
    except OSError as exc:
        raise UpkeepError(f"Cannot write the backup {target}: {exc.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return {"file": str(target), "bytes": target.stat().st_size, "articles": articles,
            "seconds": round(time.monotonic() - started, 2)}


def run_upkeep(db: sqlite_utils.Database, *, retention: dt.timedelta, keep_metadata: bool = True,
               backup_to: Path | None = None, now: dt.datetime | None = None) -> dict:
    """Everything the daily upkeep job does, in order; returns what each step did."""
    report = {
        "retention": apply_retention(db, retention, keep_metadata=keep_metadata, now=now),
        "stale_runs": sweep_stale_runs(db, now=now),
    }
    optimize(db)
    report["checkpoint"] = checkpoint(db, "TRUNCATE")
    if backup_to is not None:
        report["backup"] = backup(db, backup_to, overwrite=True)
    mark_ran(db, "upkeep:upkeep", now)
    logger.info("upkeep done bodies_dropped=%d stale_runs=%d wal_pages=%d backup=%s",
                report["retention"]["articles"], report["stale_runs"], report["checkpoint"]["wal_pages"],
                report.get("backup", {}).get("file", "-"))
    return report


def mark_ran(db: sqlite_utils.Database, key: str, now: dt.datetime | None = None) -> None:
    """Remember when a scheduled non-crawl job last ran (so a restart does not rerun it)."""
    with write(db):
        db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [f"last_run:{key}", iso_utc(now or utcnow())])


def last_runs(db: sqlite_utils.Database) -> dict[str, dt.datetime]:
    """When each source's crawl last started, and each upkeep/digest job last ran."""
    from storage import parse_ts

    # A run that was interrupted (or is still running) does not count: after a crash its
    # sources are crawled again at the next start instead of waiting a whole interval.
    out = {src: parse_ts(ts) for src, ts in db.execute(
        "SELECT source, max(started_at) FROM crawl_runs WHERE status NOT IN ('running', 'interrupted') GROUP BY source")}
    for key, ts in db.execute("SELECT key, value FROM meta WHERE key LIKE 'last_run:%'"):
        out[key.removeprefix("last_run:")] = parse_ts(ts)
    return out
