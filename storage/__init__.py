"""newsradar's storage: one SQLite file (WAL) shared by the crawl and the bot processes.

Depends on nothing of ours; only the standard library and sqlite-utils.
"""
from .db import open_db, write, iso, iso_utc, parse_ts, utcnow
from .errors import LimitError, NotFoundError, StorageError

__all__ = [
    "open_db", "write", "iso", "iso_utc", "parse_ts", "utcnow",
    "StorageError", "NotFoundError", "LimitError",
]
