"""Crawl runs: one row per source per crawl, with what it fetched and what went wrong."""
from __future__ import annotations

import json

import sqlite_utils

from .db import iso_utc, utcnow, write

MAX_LOGGED_ERRORS = 200


def start_run(db: sqlite_utils.Database, source: str) -> int:
    with write(db):
        return db.execute(
            "INSERT INTO crawl_runs(source, started_at, status) VALUES (?, ?, 'running')",
            [source, iso_utc(utcnow())],
        ).lastrowid


def finish_run(
    db: sqlite_utils.Database, run_id: int, *, status: str, pages: int, articles_new: int,
    articles_updated: int, alerts: int, errors: list[dict],
) -> None:
    with write(db):
        db.execute(
            "UPDATE crawl_runs SET finished_at = ?, status = ?, pages = ?, articles_new = ?, "
            "articles_updated = ?, alerts = ?, errors = ?, error_log = ? WHERE id = ?",
            [iso_utc(utcnow()), status, pages, articles_new, articles_updated, alerts,
             len(errors), json.dumps(errors[:MAX_LOGGED_ERRORS], ensure_ascii=False), run_id],
        )


def list_runs(db: sqlite_utils.Database, *, source: str | None = None, limit: int = 20) -> list[dict]:
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    rows = db.query(f"SELECT * FROM crawl_runs {where} ORDER BY id DESC LIMIT ?", [*params, limit])
    out = []
    for r in rows:
        r = dict(r)
        r["error_log"] = json.loads(r["error_log"] or "[]")
        out.append(r)
    return out


def get_validators(db: sqlite_utils.Database, url: str) -> tuple[str | None, str | None]:
    row = db.execute("SELECT etag, last_modified FROM http_cache WHERE url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_validators(db: sqlite_utils.Database, url: str, etag: str | None, last_modified: str | None) -> None:
    with write(db):
        db.execute(
            "INSERT INTO http_cache(url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, checked_at = excluded.checked_at",
            [url, etag, last_modified, iso_utc(utcnow())],
        )
