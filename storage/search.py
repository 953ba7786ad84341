"""Reading the archive for searches: the full-text index narrows, newest first, in bounded batches.

The caller decides what truly matches (the rule engine); this module only hands it
candidate rows, so the search language never depends on the index's own syntax. The
query comes in the backend's own syntax (`rules.prefilter.fts5_query` for SQLite's
FTS5, `rules.prefilter.tsquery` for PostgreSQL's ``to_tsquery('simple', ...)``);
`storage.db.backend` tells the caller which to build.
"""
from __future__ import annotations

import sqlite3
from typing import Iterator

import sqlite_utils

from .db import is_postgres
from .errors import StorageError

COLUMNS = "a.id, a.url, a.source, a.title, a.body, a.published, a.published_utc, a.language, a.fetched_at"


def candidate_articles(
    db: sqlite_utils.Database, *, fts_query: str | None, since_utc: str | None = None,
    max_rows: int = 20_000, batch: int = 500,
) -> Iterator[dict]:
    """Articles matching ``fts_query`` (all when None), published or fetched since ``since_utc``,
    newest first, at most ``max_rows``. ``fts_query`` is in the backend's syntax (see above)."""
    postgres = is_postgres(db)
    clauses, params = [], []
    join = ""
    if fts_query:
        if postgres:
            join = "JOIN article_search s ON s.article_id = a.id"
            clauses.append("s.tsv @@ to_tsquery('simple', ?)")
        else:
            join = "JOIN articles_fts f ON f.rowid = a.id"
            clauses.append("articles_fts MATCH ?")
        params.append(fts_query)
    if since_utc:
        clauses.append("coalesce(a.published_utc, a.fetched_at) >= ?")
        params.append(since_utc)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (f"SELECT {COLUMNS} FROM articles a {join} {where} "
           "ORDER BY coalesce(a.published_utc, a.fetched_at) DESC, a.id DESC LIMIT ? OFFSET ?")
    errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    if postgres:
        import psycopg

        errors = (psycopg.errors.SyntaxError, psycopg.errors.DataException)
    offset = 0
    while offset < max_rows:
        try:
            rows = list(db.query(sql, [*params, min(batch, max_rows - offset), offset]))
        except errors as exc:
            raise StorageError(f"The full-text index could not run this search ({exc}).") from None
        yield from rows
        if len(rows) < batch:
            return
        offset += len(rows)
