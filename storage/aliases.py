"""Rule aliases: `@name` stands for a group of terms, per chat or for everyone.

Global aliases are stored under chat id 0 (GLOBAL). Changing any alias bumps the
watchlists version, so running crawls rebuild their matcher.
"""
from __future__ import annotations

import sqlite_utils

from .db import bump_version, iso, utcnow, write
from .errors import NotFoundError
from .watchlists import WATCHLIST_VERSION

GLOBAL = 0


def set_alias(db: sqlite_utils.Database, name: str, definition: str, *, chat_id: int = GLOBAL) -> bool:
    """Define or redefine ``@name`` (validated by the caller); True when it is new."""
    name = name.lstrip("@").casefold()
    with write(db):
        existed = db.execute("SELECT 1 FROM aliases WHERE chat_id = ? AND name = ?", [chat_id, name]).fetchone()
        db.execute(
            "INSERT INTO aliases(chat_id, name, definition, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(chat_id, name) DO UPDATE SET definition = excluded.definition",
            [chat_id, name, definition, iso(utcnow())],
        )
        bump_version(db, WATCHLIST_VERSION)
    return existed is None


def remove_alias(db: sqlite_utils.Database, name: str, *, chat_id: int = GLOBAL) -> None:
    name = name.lstrip("@").casefold()
    with write(db):
        cur = db.execute("DELETE FROM aliases WHERE chat_id = ? AND name = ?", [chat_id, name])
        if cur.rowcount == 0:
            where = "everyone" if chat_id == GLOBAL else "this chat"
            raise NotFoundError(f"There is no alias @{name} for {where}.")
        bump_version(db, WATCHLIST_VERSION)


def list_aliases(db: sqlite_utils.Database, *, chat_id: int | None = None) -> list[dict]:
    """All aliases (chat_id None), or those a chat sees: its own and the global ones."""
    if chat_id is None:
        return list(db.query("SELECT chat_id, name, definition, created_at FROM aliases ORDER BY chat_id, name"))
    return list(db.query(
        "SELECT chat_id, name, definition, created_at FROM aliases WHERE chat_id IN (?, ?) "
        "ORDER BY name, chat_id = 0", [chat_id, GLOBAL]))


def aliases_for(db: sqlite_utils.Database, chat_id: int) -> dict[str, str]:
    """name -> definition as ``chat_id`` sees them (its own shadow the global ones)."""
    seen: dict[str, str] = {}
    for row in db.execute(
        "SELECT chat_id, name, definition FROM aliases WHERE chat_id IN (?, ?) ORDER BY chat_id = ?",
        [chat_id, GLOBAL, chat_id],
    ):
        seen[row[1]] = row[2]
    return seen


def all_aliases(db: sqlite_utils.Database) -> dict[int, dict[str, str]]:
    """chat_id -> its effective aliases, for every chat with any plus GLOBAL."""
    rows = db.execute("SELECT chat_id, name, definition FROM aliases").fetchall()
    global_ = {name: d for c, name, d in rows if c == GLOBAL}
    out: dict[int, dict[str, str]] = {GLOBAL: dict(global_)}
    for c, name, d in rows:
        if c != GLOBAL:
            out.setdefault(c, dict(global_))[name] = d
    return out
