"""Articles: the archive. One row per canonical URL, every URL it was met under remembered."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

import sqlite_utils

from .db import iso, iso_utc, utcnow, write

ARTICLE_FIELDS = (
    "url", "source", "title", "body", "summary", "published", "modified", "authors",
    "section", "language", "image", "extraction",
)


@dataclass(frozen=True)
class UpsertResult:
    article_id: int
    status: str  # "new", "updated" or "unchanged"


def content_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def known_url(db: sqlite_utils.Database, url: str) -> int | None:
    """The id of the article stored under ``url`` (any URL it was met under), if any."""
    row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
    return row[0] if row else None


def upsert_article(
    db: sqlite_utils.Database, article: dict[str, Any], *, seen_urls: Iterable[str] = ()
) -> UpsertResult:
    """Store an article under its canonical ``article['url']``.

    ``published``/``modified`` are aware datetimes; ``seen_urls`` are other URLs the
    article was reached under (tracking links, AMP pages, redirects). Runs inside the
    caller's transaction when there is one.
    """
    now = utcnow()
    title = article.get("title") or ""
    body = article.get("body") or ""
    row = {
        "url": article["url"],
        "source": article["source"],
        "title": title,
        "body": body,
        "summary": article.get("summary"),
        "published": iso(article.get("published")),
        "published_utc": iso_utc(article.get("published")),
        "modified": iso(article.get("modified")),
        "authors": json.dumps(list(article.get("authors") or []), ensure_ascii=False),
        "section": article.get("section"),
        "language": article.get("language"),
        "image": article.get("image"),
        "extraction": article.get("extraction"),
        "content_hash": content_hash(title, body),
        "fetched_at": iso(now),
        "updated_at": iso(now),
    }
    with write(db):
        existing = db.execute(
            "SELECT id, content_hash FROM articles WHERE url = ?", [row["url"]]
        ).fetchone()
        if existing is None:
            cur = db.execute(
                f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            article_id, status = cur.lastrowid, "new"
        else:
            article_id = existing[0]
            if existing[1] == row["content_hash"]:
                status = "unchanged"
            else:
                status = "updated"
                changed = {k: v for k, v in row.items() if k not in ("url", "fetched_at")}
                db.execute(
                    f"UPDATE articles SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
                    [*changed.values(), article_id],
                )
        for url in {row["url"], *seen_urls}:
            db.execute(
                "INSERT OR IGNORE INTO article_urls(url, article_id) VALUES (?, ?)",
                [url, article_id],
            )
    return UpsertResult(article_id, status)


def get_article(db: sqlite_utils.Database, article_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    return _decode(rows[0]) if rows else None


def list_articles(
    db: sqlite_utils.Database, *, source: str | None = None, limit: int = 50
) -> list[dict]:
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    sql = (
        f"SELECT * FROM articles {where} "
        "ORDER BY coalesce(published_utc, fetched_at) DESC, id DESC LIMIT ?"
    )
    return [_decode(r) for r in db.query(sql, [*params, limit])]


def count_articles(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0]


def _decode(row: dict) -> dict:
    row = dict(row)
    row["authors"] = json.loads(row.get("authors") or "[]")
    return row
