"""The alert outbox: one row per (chat, article); the only path to Telegram.

Rows are claimed with a lease. A sender that dies mid-send leaves the lease to
expire, and the row is claimed again: delivery is at-least-once, bounded by the
lease, because Telegram's sendMessage has no idempotency key.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Iterable

import sqlite_utils

from .db import iso_utc, skip_locked, utcnow, write

PENDING, SENT, FAILED = "pending", "sent", "failed"


def enqueue_alert(
    db: sqlite_utils.Database,
    *,
    chat_id: int,
    article_id: int,
    rule_id: int | None,
    rule: str,
    rule_name: str | None = None,
    hits: Iterable[dict] = (),
) -> bool:
    """Queue an alert unless this chat already has one for this article."""
    cur = db.execute(
        "INSERT OR IGNORE INTO outbox(chat_id, article_id, rule_id, rule, rule_name, hits, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        [chat_id, article_id, rule_id, rule, rule_name, json.dumps(list(hits), ensure_ascii=False),
         iso_utc(utcnow())],
    )
    return cur.rowcount == 1


_ALERT_SELECT = (
    "SELECT o.*, a.title, a.url, a.source, a.published, a.summary, a.body "
    "FROM outbox o JOIN articles a ON a.id = o.article_id"
)


def claim_alerts(
    db: sqlite_utils.Database, *, limit: int = 20, lease: dt.timedelta = dt.timedelta(seconds=60),
    chat_ids: Iterable[int] | None = None,
) -> list[dict]:
    """Lease up to ``limit`` due alerts (pending, lease absent or expired), oldest first."""
    now = utcnow()
    chat_filter = ""
    params: list = [iso_utc(now + lease), iso_utc(now)]
    if chat_ids is not None:
        ids = list(chat_ids)
        chat_filter = f" AND chat_id IN ({', '.join('?' * len(ids))})"
        params += ids
    with write(db, serial=False):
        ids = [
            r[0]
            for r in db.execute(
                "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' "
                f"AND (lease_until IS NULL OR lease_until <= ?){chat_filter} ORDER BY id LIMIT ?"
                f"{skip_locked(db)}) RETURNING id",
                [*params, limit],
            ).fetchall()
        ]
    if not ids:
        return []
    rows = db.query(
        f"{_ALERT_SELECT} WHERE o.id IN ({', '.join('?' * len(ids))}) ORDER BY o.id", ids
    )
    return [_decode(r) for r in rows]


def mark_sent(
    db: sqlite_utils.Database, alert_id: int, *, message_id: int | None, via: str = "telegram"
) -> None:
    with write(db, serial=False):
        db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, via = ?, "
            "lease_until = NULL, error = NULL WHERE id = ?",
            [iso_utc(utcnow()), message_id, via, alert_id],
        )


def retry_later(db: sqlite_utils.Database, alert_id: int, *, delay: dt.timedelta, error: str) -> None:
    """Keep the alert pending but not due before ``delay`` has passed."""
    with write(db, serial=False):
        db.execute(
            "UPDATE outbox SET lease_until = ?, error = ? WHERE id = ?",
            [iso_utc(utcnow() + delay), error, alert_id],
        )


def mark_failed(db: sqlite_utils.Database, alert_id: int, *, error: str) -> None:
    """Give up on an alert for good (Telegram refused it), keeping the reason."""
    with write(db, serial=False):
        db.execute(
            "UPDATE outbox SET status = 'failed', error = ?, lease_until = NULL WHERE id = ?",
            [error, alert_id],
        )


def fail_pending_for_chat(db: sqlite_utils.Database, chat_id: int, *, error: str) -> int:
    with write(db, serial=False):
        return db.execute(
            "UPDATE outbox SET status = 'failed', error = ?, lease_until = NULL "
            "WHERE chat_id = ? AND status = 'pending'",
            [error, chat_id],
        ).rowcount


def list_alerts(
    db: sqlite_utils.Database, *, chat_id: int | None = None, status: str | None = None,
    limit: int = 100,
) -> list[dict]:
    clauses, params = [], []
    if chat_id is not None:
        clauses.append("o.chat_id = ?")
        params.append(chat_id)
    if status is not None:
        clauses.append("o.status = ?")
        params.append(status)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.query(f"{_ALERT_SELECT}{where} ORDER BY o.id DESC LIMIT ?", [*params, limit])
    return [_decode(r) for r in rows]


def count_pending(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]


def _decode(row: dict) -> dict:
    row = dict(row)
    row["hits"] = json.loads(row.get("hits") or "[]")
    return row
