"""Reading the archive for searches: FTS5 narrows, newest first, in bounded batches.

The caller decides what truly matches (the rule engine); this module only hands it
candidate rows, so the search language never depends on FTS5's own syntax.
"""
from __future__ import annotations

import sqlite3
from typing import Iterator

import sqlite_utils

from .errors import StorageError

COLUMNS = "a.id, a.url, a.source, a.title, a.body, a.published, a.published_utc, a.language, a.fetched_at"


def candidate_articles(
    db: sqlite_utils.Database, *, fts_query: str | None, since_utc: str | None = None,
    max_rows: int = 20_000, batch: int = 500,
) -> Iterator[dict]:
    """Articles matching ``fts_query`` (all when None), published or fetched since ``since_utc``,
    newest first, at most ``max_rows``."""
    clauses, params = [], []
    join = ""
    if fts_query:
        join = "JOIN articles_fts f ON f.rowid = a.id"
        clauses.append("articles_fts MATCH ?")
        params.append(fts_query)
    if since_utc:
        clauses.append("coalesce(a.published_utc, a.fetched_at) >= ?")
        params.append(since_utc)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (f"SELECT {COLUMNS} FROM articles a {join} {where} "
           "ORDER BY coalesce(a.published_utc, a.fetched_at) DESC, a.id DESC LIMIT ? OFFSET ?")
    offset = 0
    while offset < max_rows:
        try:
            rows = list(db.query(sql, [*params, min(batch, max_rows - offset), offset]))
        except sqlite3.OperationalError as exc:
            raise StorageError(f"The full-text index could not run this search ({exc}).") from None
        yield from rows
        if len(rows) < batch:
            return
        offset += len(rows)
