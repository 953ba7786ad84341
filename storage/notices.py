"""Notices for admins: plain one-line messages delivered by the bot like alerts.

A notice carries a ``key`` naming its incident (e.g. ``source-failing:the-hindu:2025-11-24``)
so the same incident is told once per chat, not on every run.
"""
from __future__ import annotations

import datetime as dt

import sqlite_utils

from .db import iso_utc, skip_locked, utcnow, write


def add_notice(db: sqlite_utils.Database, chat_ids, text: str, *, key: str | None = None) -> int:
    """Queue ``text`` for each chat; with a key, only once per (chat, key). Returns how many were queued."""
    queued = 0
    with write(db):
        for chat_id in chat_ids:
            cur = db.execute(
                "INSERT OR IGNORE INTO notices(chat_id, key, text, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
                [chat_id, key, text, iso_utc(utcnow())],
            )
            queued += cur.rowcount
    return queued


def claim_notices(db: sqlite_utils.Database, *, limit: int = 20,
                  lease: dt.timedelta = dt.timedelta(seconds=60)) -> list[dict]:
    now = utcnow()
    with write(db, serial=False):
        rows = db.execute(
            "UPDATE notices SET lease_until = ?, attempts = attempts + 1 WHERE id IN ("
            "SELECT id FROM notices WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= ?) "
            f"ORDER BY id LIMIT ?{skip_locked(db)}) RETURNING id, chat_id, key, text, attempts",
            [iso_utc(now + lease), iso_utc(now), limit],
        ).fetchall()
    return [dict(zip(("id", "chat_id", "key", "text", "attempts"), r)) for r in sorted(rows)]


def mark_notice(db: sqlite_utils.Database, notice_id: int, *, status: str, error: str | None = None,
                retry_in: dt.timedelta | None = None) -> None:
    """status 'sent' or 'failed'; or 'pending' with ``retry_in`` to try again later."""
    with write(db, serial=False):
        if status == "pending":
            db.execute("UPDATE notices SET lease_until = ?, error = ? WHERE id = ?",
                       [iso_utc(utcnow() + (retry_in or dt.timedelta(seconds=30))), error, notice_id])
        else:
            db.execute("UPDATE notices SET status = ?, error = ?, sent_at = ?, lease_until = NULL WHERE id = ?",
                       [status, error, iso_utc(utcnow()) if status == "sent" else None, notice_id])


def list_notices(db: sqlite_utils.Database, *, limit: int = 50) -> list[dict]:
    return list(db.query("SELECT * FROM notices ORDER BY id DESC LIMIT ?", [limit]))
