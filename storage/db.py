"""Opening the newsradar database (an SQLite file, or PostgreSQL), migrations, write transactions.

`open_db` takes a path or URL and returns either a sqlite-utils ``Database`` (SQLite, in
WAL mode with a busy timeout) or a `storage.pg.PostgresDatabase`; both offer
``execute``/``query``/``executescript``/``close``, and `write()` opens a transaction on
either. `backend()` tells them apart for the few statements that must differ.
"""
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


SQLITE, POSTGRESQL = "sqlite", "postgresql"


def backend(db) -> str:
    """``"sqlite"`` or ``"postgresql"``: which kind of database ``db`` is."""
    return getattr(db, "backend", SQLITE)


def is_postgres(target) -> bool:
    """Whether ``target`` (a path, a URL, or an open database) is PostgreSQL."""
    if isinstance(target, (str, Path)):
        return str(target).startswith(("postgresql://", "postgres://"))
    return backend(target) == POSTGRESQL


def sqlite_path(target: str | Path) -> Path:
    """The file a SQLite target names: a path, or ``sqlite:///relative`` / ``sqlite:////absolute``."""
    text = str(target)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
        if not text:
            raise StorageError("A sqlite:/// URL needs a file path after it, e.g. sqlite:///newsradar.db.")
    elif "://" in text:
        raise StorageError(
            f"{text.split('://')[0]}:// is not a database newsradar knows; "
            "give a file path, sqlite:///path or postgresql://user@host/db."
        )
    return Path(text)


def open_db(path: str | Path, *, migrate: bool = True):
    """Open (creating if needed) the database at ``path`` ready for concurrent use.

    ``path`` is a file path or ``sqlite:///path`` (SQLite) or ``postgresql://...``.
    Every process opens its own connection; WAL lets the crawl write while the bot
    reads, and the busy timeout makes a second writer wait instead of failing.
    """
    if is_postgres(path):
        return _open_postgres(str(path), migrate=migrate)
    path = sqlite_path(path)
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


def _open_postgres(url: str, *, migrate: bool):
    from . import schema_pg
    from .pg import PostgresDatabase

    db = PostgresDatabase(url)
    if migrate:
        try:
            # Under the write lock, like SQLite's: a second process waits, then finds nothing pending.
            with db.transaction(serial=True):
                schema_pg.apply(db)
        except StorageError:
            db.close()
            raise
        except Exception as exc:
            db.close()
            raise StorageError(f"The PostgreSQL schema could not be brought up to date ({exc}).") from None
    return db


@contextlib.contextmanager
def write(db, *, serial: bool = True) -> Iterator:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    A deferred ``BEGIN`` that reads before it writes fails with "database is locked"
    when another process wrote in between; taking the lock first makes it wait.
    Nested use joins the outer transaction. On PostgreSQL the write lock is an advisory
    lock; ``serial=False`` leaves it out for statements that lock their own rows
    (outbox claims with ``FOR UPDATE SKIP LOCKED``). SQLite always takes it.
    """
    if is_postgres(db):
        with db.transaction(serial=serial):
            yield db
        return
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
        "ON CONFLICT(key) DO UPDATE SET value = CAST(meta.value AS INTEGER) + 1",
        [key],
    )


def get_version(db: sqlite_utils.Database, key: str) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def executemany(db, sql: str, rows) -> None:
    """One statement for many parameter rows, on either backend."""
    if is_postgres(db):
        db.executemany(sql, rows)
    else:
        db.conn.executemany(sql, rows)


def skip_locked(db) -> str:
    """The clause that makes a claim skip rows another claimer holds (PostgreSQL only;
    SQLite's single writer never meets one)."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(db) else ""
