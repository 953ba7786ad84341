"""Per-chat delivery settings: instant or digest, digest time, quiet hours, time zone;
rule mutes, paused sources, paused and urgent rules; and forgetting a chat entirely.

Values are stored as given (``"08:00"``, ``"Asia/Kolkata"``); the bot validates them
before they get here.
"""
from __future__ import annotations

import datetime as dt

import sqlite_utils

from .db import bump_version, iso_utc, utcnow, write
from .errors import NotFoundError
from .watchlists import WATCHLIST_VERSION

DEFAULTS = {"mode": "instant", "digest_at": "08:00", "quiet_start": None, "quiet_end": None, "tz": "UTC"}
_FIELDS = tuple(DEFAULTS)


def get_settings(db: sqlite_utils.Database, chat_id: int) -> dict:
    """The chat's settings, with defaults for anything never set."""
    row = db.execute(
        f"SELECT {', '.join(_FIELDS)} FROM chat_settings WHERE chat_id = ?", [chat_id]
    ).fetchone()
    settings = dict(DEFAULTS) if row is None else dict(zip(_FIELDS, row))
    settings["chat_id"] = chat_id
    return settings


def update_settings(db: sqlite_utils.Database, chat_id: int, **changes) -> dict:
    """Change some of mode, digest_at, quiet_start, quiet_end, tz; returns the new settings."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown chat settings: {', '.join(sorted(unknown))}")
    with write(db):
        current = get_settings(db, chat_id)
        current.update(changes)
        values = [current[f] for f in _FIELDS]
        db.execute(
            f"INSERT INTO chat_settings(chat_id, {', '.join(_FIELDS)}, updated_at) "
            f"VALUES (?, {', '.join('?' * len(_FIELDS))}, ?) ON CONFLICT(chat_id) DO UPDATE SET "
            + ", ".join(f"{f} = excluded.{f}" for f in _FIELDS) + ", updated_at = excluded.updated_at",
            [chat_id, *values, iso_utc(utcnow())],
        )
    return get_settings(db, chat_id)


def release_held(db: sqlite_utils.Database, chat_id: int) -> int:
    """Make every alert held for this chat (digest, quiet hours, burst) due now."""
    with write(db):
        return db.execute(
            "UPDATE outbox SET lease_until = NULL WHERE chat_id = ? AND status = 'held'", [chat_id]
        ).rowcount


# -- rules: mute, pause, urgent -----------------------------------------------------
def _own_watch(db: sqlite_utils.Database, chat_id: int, watch_id: int) -> dict:
    rows = list(db.query("SELECT * FROM watchlists WHERE id = ? AND chat_id = ?", [watch_id, chat_id]))
    if not rows:
        raise NotFoundError(f"This chat has no rule with id {watch_id}.")
    return rows[0]


def mute_rule(db: sqlite_utils.Database, chat_id: int, watch_id: int, until: dt.datetime) -> dict:
    """No alerts from this rule until ``until`` (alerts in between are dropped, not held)."""
    with write(db):
        watch = _own_watch(db, chat_id, watch_id)
        db.execute(
            "INSERT INTO rule_mutes(rule_id, chat_id, until) VALUES (?, ?, ?) "
            "ON CONFLICT(rule_id) DO UPDATE SET until = excluded.until",
            [watch_id, chat_id, iso_utc(until)],
        )
    return watch


def muted_rules(db: sqlite_utils.Database, chat_id: int, now: dt.datetime | None = None) -> dict[int, str]:
    """rule id -> UTC time its mute ends, for mutes still running."""
    now = now or utcnow()
    rows = db.execute(
        "SELECT rule_id, until FROM rule_mutes WHERE chat_id = ? AND until > ?", [chat_id, iso_utc(now)]
    ).fetchall()
    return dict(rows)


def set_watch_active(db: sqlite_utils.Database, chat_id: int, watch_id: int, active: bool) -> dict:
    """Pause (``active=False``) or resume a rule; a paused rule is not matched at all."""
    with write(db):
        _own_watch(db, chat_id, watch_id)
        db.execute("UPDATE watchlists SET active = ? WHERE id = ?", [int(active), watch_id])
        bump_version(db, WATCHLIST_VERSION)
        return _own_watch(db, chat_id, watch_id)


def set_watch_urgent(db: sqlite_utils.Database, chat_id: int, watch_id: int, urgent: bool) -> dict:
    """An urgent rule's alerts break through quiet hours and digest mode."""
    with write(db):
        _own_watch(db, chat_id, watch_id)
        db.execute("UPDATE watchlists SET urgent = ? WHERE id = ?", [int(urgent), watch_id])
        return _own_watch(db, chat_id, watch_id)


def urgent_rules(db: sqlite_utils.Database, chat_id: int) -> set[int]:
    return {r[0] for r in db.execute(
        "SELECT id FROM watchlists WHERE chat_id = ? AND urgent = 1", [chat_id]).fetchall()}


# -- sources ------------------------------------------------------------------------
def pause_source(db: sqlite_utils.Database, chat_id: int, source: str) -> bool:
    """Stop alerts from ``source`` for this chat; True if it was not paused already."""
    with write(db):
        return db.execute(
            "INSERT OR IGNORE INTO paused_sources(chat_id, source, created_at) VALUES (?, ?, ?)",
            [chat_id, source, iso_utc(utcnow())],
        ).rowcount == 1


def resume_source(db: sqlite_utils.Database, chat_id: int, source: str) -> bool:
    with write(db):
        return db.execute(
            "DELETE FROM paused_sources WHERE chat_id = ? AND source = ?", [chat_id, source]
        ).rowcount == 1


def paused_sources(db: sqlite_utils.Database, chat_id: int) -> set[str]:
    return {r[0] for r in db.execute("SELECT source FROM paused_sources WHERE chat_id = ?", [chat_id]).fetchall()}


# -- leaving ------------------------------------------------------------------------
def forget_chat(db: sqlite_utils.Database, chat_id: int) -> dict[str, int]:
    """Delete everything stored for a chat (rules, settings, alerts); returns counts by kind."""
    with write(db):
        counts = {
            "rules": db.execute("DELETE FROM watchlists WHERE chat_id = ?", [chat_id]).rowcount,
            "alerts": db.execute("DELETE FROM outbox WHERE chat_id = ?", [chat_id]).rowcount,
        }
        for table in ("chat_settings", "rule_mutes", "paused_sources", "notices", "aliases", "chats"):
            db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [chat_id])
        bump_version(db, WATCHLIST_VERSION)
    return counts
