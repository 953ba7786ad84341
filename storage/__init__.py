"""newsradar's storage: one SQLite file (WAL), or one PostgreSQL database, shared by the
crawl and the bot processes.

Depends on nothing of ours; only the standard library, sqlite-utils and (for
PostgreSQL) psycopg 3.
"""
from .db import backend, is_postgres, open_db, write, iso, iso_utc, parse_ts, utcnow
from .errors import LimitError, NotFoundError, StorageError

__all__ = [
    "open_db", "write", "backend", "is_postgres", "iso", "iso_utc", "parse_ts", "utcnow",
    "StorageError", "NotFoundError", "LimitError",
]
