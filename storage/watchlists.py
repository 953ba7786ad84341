"""Chats and their watchlists (the rules as users typed them)."""
from __future__ import annotations

import sqlite_utils

from .db import bump_version, get_version, iso, utcnow, write
from .errors import LimitError, NotFoundError

WATCHLIST_VERSION = "watchlists_version"
DEFAULT_MAX_RULES_PER_CHAT = 50


def subscribe(
    db: sqlite_utils.Database, chat_id: int, *, kind: str = "private", title: str | None = None
) -> bool:
    """Subscribe ``chat_id``; True when it was not subscribed before."""
    with write(db):
        row = db.execute("SELECT active FROM chats WHERE chat_id = ?", [chat_id]).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO chats(chat_id, kind, title, active, created_at) VALUES (?, ?, ?, 1, ?)",
                [chat_id, kind, title, iso(utcnow())],
            )
            return True
        db.execute(
            "UPDATE chats SET active = 1, kind = ?, title = coalesce(?, title) WHERE chat_id = ?",
            [kind, title, chat_id],
        )
        return not row[0]


def set_chat_active(db: sqlite_utils.Database, chat_id: int, active: bool) -> None:
    with write(db):
        db.execute("UPDATE chats SET active = ? WHERE chat_id = ?", [int(active), chat_id])
        bump_version(db, WATCHLIST_VERSION)


def is_subscribed(db: sqlite_utils.Database, chat_id: int) -> bool:
    row = db.execute("SELECT active FROM chats WHERE chat_id = ?", [chat_id]).fetchone()
    return bool(row and row[0])


def add_watch(
    db: sqlite_utils.Database,
    chat_id: int,
    rule: str,
    *,
    name: str | None = None,
    max_per_chat: int = DEFAULT_MAX_RULES_PER_CHAT,
    chat_kind: str = "private",
) -> dict:
    """Save a rule for ``chat_id`` (subscribing the chat if needed); the caller validates it."""
    with write(db):
        if db.execute("SELECT 1 FROM chats WHERE chat_id = ?", [chat_id]).fetchone() is None:
            db.execute(
                "INSERT INTO chats(chat_id, kind, active, created_at) VALUES (?, ?, 1, ?)",
                [chat_id, chat_kind, iso(utcnow())],
            )
        count = db.execute(
            "SELECT count(*) FROM watchlists WHERE chat_id = ?", [chat_id]
        ).fetchone()[0]
        if count >= max_per_chat:
            raise LimitError(
                f"This chat already has {count} rules, the most allowed is {max_per_chat}; "
                "remove one first."
            )
        cur = db.execute(
            "INSERT INTO watchlists(chat_id, name, rule, active, created_at) VALUES (?, ?, ?, 1, ?)",
            [chat_id, name, rule, iso(utcnow())],
        )
        bump_version(db, WATCHLIST_VERSION)
        watch_id = cur.lastrowid
    return get_watch(db, watch_id)


def get_watch(db: sqlite_utils.Database, watch_id: int) -> dict:
    rows = list(db.query("SELECT * FROM watchlists WHERE id = ?", [watch_id]))
    if not rows:
        raise NotFoundError(f"There is no rule with id {watch_id}.")
    return rows[0]


def list_watches(db: sqlite_utils.Database, chat_id: int | None = None) -> list[dict]:
    if chat_id is None:
        return list(db.query("SELECT * FROM watchlists ORDER BY id"))
    return list(db.query("SELECT * FROM watchlists WHERE chat_id = ? ORDER BY id", [chat_id]))


def remove_watch(db: sqlite_utils.Database, watch_id: int, *, chat_id: int | None = None) -> dict:
    """Delete a rule; with ``chat_id``, only if it belongs to that chat."""
    with write(db):
        watch = get_watch(db, watch_id)
        if chat_id is not None and watch["chat_id"] != chat_id:
            raise NotFoundError(f"This chat has no rule with id {watch_id}.")
        db.execute("DELETE FROM watchlists WHERE id = ?", [watch_id])
        bump_version(db, WATCHLIST_VERSION)
    return watch


def active_watches(db: sqlite_utils.Database) -> list[dict]:
    """Rules that should be matched now: active rules of active chats."""
    return list(
        db.query(
            "SELECT w.* FROM watchlists w JOIN chats c ON c.chat_id = w.chat_id "
            "WHERE w.active = 1 AND c.active = 1 ORDER BY w.id"
        )
    )


def watchlists_version(db: sqlite_utils.Database) -> int:
    return get_version(db, WATCHLIST_VERSION)
