"""The sender's side of the outbox: fair claims, holds (digest, quiet hours, bursts),
delivery records, and the folded copies a sent message is edited to mention.

Statuses an outbox row moves through here:

    pending ──claim──> (leased) ──> sent | failed | dropped
       │                  └──retry──> pending (due later)
       └──hold──> held (lease_until = release time) ──claim_held──> sent as one digest
    folded      another outlet's copy of a story the chat already has; never sent itself,
                it is mentioned in an edit of the row it is folded into.

Every claim is a lease: a sender that dies leaves rows that become due again when the
lease ends, so each alert is sent at most once more after a crash.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Iterable

import sqlite_utils

from .db import is_postgres, iso_utc, utcnow, write

CLAIM_LOCK_KEY = 7_154_021_812  # PostgreSQL: the fair claims' turn (an advisory lock)

_ALERT_SELECT = (
    "SELECT o.*, a.title, a.url, a.source, a.published, a.summary, a.body, "
    "coalesce(w.urgent, 0) AS urgent "
    "FROM outbox o JOIN articles a ON a.id = o.article_id "
    "LEFT JOIN watchlists w ON w.id = o.rule_id"
)


def _ceil_iso(when: dt.datetime) -> str:
    """UTC text rounded up to the second, so a row is never due before ``when``."""
    whole = when.replace(microsecond=0)
    return iso_utc(whole if whole == when else whole + dt.timedelta(seconds=1))


def _alerts(db: sqlite_utils.Database, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    rows = db.query(f"{_ALERT_SELECT} WHERE o.id IN ({', '.join('?' * len(ids))}) ORDER BY o.id", ids)
    out = []
    for row in rows:
        row = dict(row)
        row["hits"] = json.loads(row.get("hits") or "[]")
        out.append(row)
    return out


def _lease(db: sqlite_utils.Database, pick: str, params: list, *, status: str, now: dt.datetime,
           lease: dt.timedelta) -> list[int]:
    """Lease the rows ``pick`` (a SELECT of ids) chooses; returns their ids.

    SQLite's single writer makes the pick and the update one atomic step. On PostgreSQL
    the pick looks at every due row (to be fair across chats), so two claimers would
    pick the same rows and one would come back empty: picks take turns on an advisory
    lock held for the claim's few milliseconds (sending, the slow part, stays
    concurrent), and each pick is still locked ``FOR UPDATE SKIP LOCKED`` and re-checked
    as due, so a row goes to one claimer only.
    """
    due = [iso_utc(now + lease)]
    if is_postgres(db):
        sql = ("UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN ("
               f"SELECT id FROM outbox WHERE id IN ({pick}) AND status = ? "
               "AND (lease_until IS NULL OR lease_until <= ?) FOR UPDATE SKIP LOCKED) RETURNING id")
        args = [*due, *params, status, iso_utc(now)]
    else:
        sql = f"UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN ({pick}) RETURNING id"
        args = [*due, *params]
    with write(db, serial=False):
        if is_postgres(db):
            db.execute("SELECT pg_advisory_xact_lock(?)", [CLAIM_LOCK_KEY])
        return [r[0] for r in db.execute(sql, args).fetchall()]


def get_alert(db: sqlite_utils.Database, alert_id: int) -> dict | None:
    found = _alerts(db, [alert_id])
    return found[0] if found else None


def claim_due(
    db: sqlite_utils.Database, *, limit: int = 100, per_chat: int = 2,
    lease: dt.timedelta = dt.timedelta(seconds=60),
) -> list[dict]:
    """Lease due pending alerts, oldest first, at most ``per_chat`` of each chat.

    Taking a few of many chats (instead of the oldest N) keeps every chat moving while
    one busy chat waits out its own rate limit.
    """
    now = utcnow()
    ids = _lease(
        db,
        "SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY chat_id ORDER BY id) AS n"
        " FROM outbox WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)) AS due"
        " WHERE n <= ? ORDER BY id LIMIT ?",
        [iso_utc(now), per_chat, limit], status="pending", now=now, lease=lease,
    )
    return _alerts(db, sorted(ids))


def claim_chat(db: sqlite_utils.Database, chat_id: int, *, limit: int = 100,
               lease: dt.timedelta = dt.timedelta(seconds=60)) -> list[dict]:
    """Lease every due pending alert of one chat (to collapse a burst into one message)."""
    now = utcnow()
    ids = _lease(
        db,
        "SELECT id FROM outbox WHERE chat_id = ? AND status = 'pending' "
        "AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?",
        [chat_id, iso_utc(now), limit], status="pending", now=now, lease=lease,
    )
    return _alerts(db, sorted(ids))


def count_due(db: sqlite_utils.Database, chat_id: int) -> int:
    """Pending alerts of a chat that are due now and not leased."""
    return db.execute(
        "SELECT count(*) FROM outbox WHERE chat_id = ? AND status = 'pending' "
        "AND (lease_until IS NULL OR lease_until <= ?)", [chat_id, iso_utc(utcnow())]).fetchone()[0]


def hold(db: sqlite_utils.Database, alert_ids: Iterable[int], *, until: dt.datetime, reason: str) -> None:
    """Keep alerts back until ``until``; they then go out together as one message."""
    ids = list(alert_ids)
    if not ids:
        return
    with write(db, serial=False):
        db.execute(
            f"UPDATE outbox SET status = 'held', lease_until = ?, error = ? "
            f"WHERE id IN ({', '.join('?' * len(ids))})",
            [_ceil_iso(until), reason, *ids],
        )


def claim_held(db: sqlite_utils.Database, *, chats: int = 20, per_chat: int = 200,
               lease: dt.timedelta = dt.timedelta(seconds=60)) -> dict[int, list[dict]]:
    """Lease the held alerts that are due, all of a chat's at once; chat id -> alerts."""
    now = utcnow()
    ids = _lease(
        db,
        "SELECT id FROM (SELECT id, chat_id, row_number() OVER (PARTITION BY chat_id ORDER BY id) AS n"
        " FROM outbox WHERE status = 'held' AND (lease_until IS NULL OR lease_until <= ?)) AS due"
        " WHERE n <= ? AND chat_id IN (SELECT DISTINCT chat_id FROM outbox WHERE status = 'held'"
        " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY chat_id LIMIT ?)",
        [iso_utc(now), per_chat, iso_utc(now), chats], status="held", now=now, lease=lease,
    )
    grouped: dict[int, list[dict]] = {}
    for alert in _alerts(db, sorted(ids)):
        grouped.setdefault(alert["chat_id"], []).append(alert)
    return grouped


def retry(db: sqlite_utils.Database, alert_id: int, *, delay: dt.timedelta, error: str) -> None:
    """Leave the alert where it is (pending or held) but not due before ``delay`` has passed."""
    with write(db, serial=False):
        db.execute("UPDATE outbox SET lease_until = ?, error = ? WHERE id = ?",
                   [_ceil_iso(utcnow() + delay), error, alert_id])


def mark_delivered(
    db: sqlite_utils.Database, alert_ids: Iterable[int], *, message_id: int | None,
    via: str = "telegram", folds_shown: dict[int, int] | None = None,
) -> None:
    """Record that Telegram accepted the message carrying these alerts.

    ``folds_shown`` maps an alert id to how many folded copies its message mentioned; the
    row stays ``edit_pending`` if more were folded in meanwhile.
    """
    ids = list(alert_ids)
    folds_shown = folds_shown or {}
    with write(db, serial=False):
        for alert_id in ids:
            db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, via = ?, lease_until = NULL, "
                "error = NULL, edit_pending = CASE WHEN (SELECT count(*) FROM outbox f WHERE f.folded_into = ?) > ? "
                "THEN 1 ELSE 0 END "
                "WHERE id = ?",
                [iso_utc(utcnow()), message_id, via, alert_id, folds_shown.get(alert_id, 0), alert_id],
            )


def finish(db: sqlite_utils.Database, alert_ids: Iterable[int], *, status: str, error: str) -> None:
    """Give up on alerts for good: ``failed`` (Telegram refused) or ``dropped`` (muted, paused)."""
    ids = list(alert_ids)
    if not ids:
        return
    with write(db, serial=False):
        db.execute(
            f"UPDATE outbox SET status = ?, error = ?, lease_until = NULL WHERE id IN ({', '.join('?' * len(ids))})",
            [status, error, *ids],
        )


def fail_chat(db: sqlite_utils.Database, chat_id: int, *, error: str) -> int:
    """The chat is gone (blocked the bot, kicked it): nothing more is tried for it."""
    with write(db, serial=False):
        return db.execute(
            "UPDATE outbox SET status = 'failed', error = ?, lease_until = NULL, edit_pending = 0 "
            "WHERE chat_id = ? AND (status IN ('pending', 'held') OR edit_pending = 1)",
            [error, chat_id],
        ).rowcount


def recent_messages(db: sqlite_utils.Database, chat_id: int, *, since: dt.datetime) -> list[str]:
    """UTC send times of the distinct messages sent to the chat since ``since``, oldest first."""
    rows = db.execute(
        "SELECT min(sent_at) FROM outbox WHERE chat_id = ? AND status = 'sent' AND sent_at >= ? "
        "AND via LIKE 'telegram%' GROUP BY coalesce(message_id, id) ORDER BY 1",
        [chat_id, iso_utc(since)],
    ).fetchall()
    return [r[0] for r in rows]


# -- story folding ------------------------------------------------------------------
def folded_copies(db: sqlite_utils.Database, alert_id: int) -> list[dict]:
    """Other outlets' articles folded into this alert: source, url, title; oldest first."""
    return list(db.query(
        "SELECT o.id, a.source, a.url, a.title, a.published FROM outbox o "
        "JOIN articles a ON a.id = o.article_id WHERE o.folded_into = ? AND o.status = 'folded' ORDER BY o.id",
        [alert_id],
    ))


def pending_edits(db: sqlite_utils.Database, *, limit: int = 20) -> list[dict]:
    """Sent alerts whose message should be edited to mention newly folded copies."""
    ids = [r[0] for r in db.execute(
        "SELECT id FROM outbox WHERE edit_pending = 1 AND status = 'sent' ORDER BY id LIMIT ?", [limit]
    ).fetchall()]
    return _alerts(db, ids)


def finish_edit(db: sqlite_utils.Database, alert_id: int, *, folds_shown: int, error: str | None = None) -> None:
    """The edit went through (or can never go through: ``error``); clear the flag unless more folded in."""
    with write(db, serial=False):
        db.execute(
            "UPDATE outbox SET edit_pending = CASE WHEN (SELECT count(*) FROM outbox f WHERE f.folded_into = ?) > ? "
            "THEN 1 ELSE 0 END, "
            "error = coalesce(?, error) WHERE id = ?",
            [alert_id, folds_shown if error is None else 10**9, error, alert_id],
        )


# -- figures for /status --------------------------------------------------------------
def queue_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Outbox rows by status (pending, held, sent, failed, dropped, folded)."""
    return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
