"""Opening the newsradar SQLite file: WAL, busy timeout, migrations, write transactions."""
from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Iterator

import sqlite_utils

from .errors import StorageError
from .schema import MIGRATIONS

BUSY_TIMEOUT_S = 30.0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(ts: dt.datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision; naive datetimes are refused."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        raise ValueError("naive datetime given where a time zone is required")
    return ts.isoformat(timespec="seconds")


def iso_utc(ts: dt.datetime | None) -> str | None:
    """UTC ISO 8601, sortable as text."""
    if ts is None:
        return None
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def open_db(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` ready for concurrent use.

    Every process opens its own connection; WAL lets the crawl write while the bot
    reads, and the busy timeout makes a second writer wait instead of failing.
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise StorageError(f"The folder for the database, {path.parent}, does not exist.")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path} is not a usable SQLite database ({exc}).") from exc
    if mode.lower() != "wal":
        raise StorageError(f"{path} could not be switched to WAL mode (got {mode}).")
    db = sqlite_utils.Database(conn)
    if migrate and MIGRATIONS.pending(db):
        # Two processes starting at once must not both run a migration: the write
        # lock makes the second wait, and it then finds nothing pending.
        with write(db):
            MIGRATIONS.apply(db)
    return db


@contextlib.contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    A deferred ``BEGIN`` that reads before it writes fails with "database is locked"
    when another process wrote in between; taking the lock first makes it wait.
    Nested use joins the outer transaction.
    """
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def bump_version(db: sqlite_utils.Database, key: str) -> None:
    """Count changes to a kind of data so long-lived readers know to reload."""
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?, '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [key],
    )


def get_version(db: sqlite_utils.Database, key: str) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0
