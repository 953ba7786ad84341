"""What the spiders remember between runs, beside the articles themselves.

- ``listed_versions``: for each article URL, the modification time its feed or sitemap
  gave when we last fetched it. A stored article is fetched again only when a listing
  later shows a newer one; so is a page judged not to be an article (a live blog, a
  video page), which is otherwise never fetched twice.
- ``backfill_done``: the dated archives (one sitemap per day or month) a backfill has
  walked to the end, so a resumed backfill starts where the last one stopped.

Both tables come from the ``m003_sources_crawl_state`` migration.
"""
from __future__ import annotations

import datetime as dt

import sqlite_utils

from .db import iso_utc, utcnow, write


def stored_version(db: sqlite_utils.Database, article_id: int, url: str) -> dt.datetime | None:
    """The newest time we know the stored article at ``url`` to be from."""
    row = db.execute("SELECT listed_modified FROM listed_versions WHERE url = ?", [url]).fetchone()
    times = [row[0]] if row and row[0] else []
    art = db.execute("SELECT modified, published FROM articles WHERE id = ?", [article_id]).fetchone()
    if art:
        times.extend(t for t in art if t)
    parsed = [_parse(t) for t in times]
    parsed = [p for p in parsed if p is not None]
    return max(parsed) if parsed else None


_NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def judged_before(db: sqlite_utils.Database, url: str, listed: dt.datetime | None) -> bool:
    """Whether a page not stored (judged not an article) was fetched at this listed version or later."""
    row = db.execute("SELECT listed_modified FROM listed_versions WHERE url = ?", [url]).fetchone()
    if row is None:
        return False
    seen = _parse(row[0]) or _NEVER
    return listed is None or listed <= seen


def remember_version(db: sqlite_utils.Database, url: str, listed_modified: dt.datetime | None) -> None:
    """Record the listing's modification time for a page just fetched (None: the listing gave none)."""
    listed_modified = listed_modified or _NEVER
    with write(db):
        db.execute(
            "INSERT INTO listed_versions(url, listed_modified) VALUES (?, ?) "
            "ON CONFLICT(url) DO UPDATE SET listed_modified = excluded.listed_modified",
            [url, iso_utc(listed_modified)],
        )


def archive_done(db: sqlite_utils.Database, source: str, url: str) -> bool:
    row = db.execute("SELECT 1 FROM backfill_done WHERE source = ? AND url = ?", [source, url]).fetchone()
    return row is not None


def mark_archive_done(db: sqlite_utils.Database, source: str, url: str, articles: int) -> None:
    with write(db):
        db.execute(
            "INSERT INTO backfill_done(source, url, articles, done_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source, url) DO UPDATE SET articles = excluded.articles, done_at = excluded.done_at",
            [source, url, articles, iso_utc(utcnow())],
        )


def _parse(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
