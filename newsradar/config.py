"""Configuration from the environment and options: read once at start, passed down as arguments."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .errors import ConfigError

DEFAULT_DB = "newsradar.db"
DEFAULT_FRESHNESS = dt.timedelta(hours=72)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, *, what: str = "duration") -> dt.timedelta:
    """'90s', '10m', '72h', '30d', '2w' -> timedelta."""
    m = _DURATION.match(text or "")
    if not m:
        raise ConfigError(
            f"{what} {text!r} is not a duration; write a number and a unit, such as 72h, 30d or 10m."
        )
    return dt.timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2).lower()])


def parse_chat_ids(text: str, *, what: str) -> frozenset[int]:
    ids = set()
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(f"{what} must list numeric chat ids separated by commas; {part!r} is not one.") from None
    return frozenset(ids)


def parse_database(text: str, *, what: str = "NEWSRADAR_DB") -> Path | str:
    """A database location: a file path or ``sqlite:///path`` -> the SQLite file's Path;
    ``postgresql://user:password@host:port/dbname`` -> that URL, unchanged (a str)."""
    text = text.strip()
    if text.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(text)
        if not parts.path.strip("/") and not parts.hostname:
            raise ConfigError(f"{what} {_redacted(text)!r} names no PostgreSQL database; "
                              "write postgresql://user@host:5432/dbname.")
        return text
    if text.startswith("sqlite:///"):
        if not text[len("sqlite:///"):]:
            raise ConfigError(f"{what} sqlite:/// needs a file path after it, such as sqlite:///newsradar.db.")
        return Path(text[len("sqlite:///"):])
    if "://" in text:
        raise ConfigError(f"{what} {_redacted(text)!r} is not a database newsradar knows; "
                          "give a file path, sqlite:///path or postgresql://user@host/dbname.")
    return Path(text)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


@dataclass(frozen=True)
class Config:
    # A Path for SQLite; the URL (a str) for PostgreSQL. open_db() takes either.
    db_path: Path | str = Path(DEFAULT_DB)
    freshness: dt.timedelta = DEFAULT_FRESHNESS
    token: str | None = None
    api_base_url: str | None = None
    admins: frozenset[int] = frozenset()
    allow_all: bool = True
    allowed: frozenset[int] = frozenset()
    sources_file: Path | None = None
    contact_url: str | None = None
    # The bot's abuse limits and the sender's knobs (tests shrink lease and backoff).
    max_rules: int = 50
    commands_per_minute: int = 20
    send_lease: dt.timedelta = dt.timedelta(seconds=60)
    retry_base: dt.timedelta = dt.timedelta(seconds=1)
    retry_max: dt.timedelta = dt.timedelta(minutes=5)
    extra: dict = field(default_factory=dict)
    # Where crawls run (issue 8, scaling out): `local` subprocesses, or Scrapyd nodes.
    crawl_launcher: str = "local"
    scrapyd_nodes: tuple[str, ...] = ()

    def may_use(self, chat_id: int) -> bool:
        return self.allow_all or chat_id in self.allowed or chat_id in self.admins


def load_config(db: str | None = None, env: dict[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    freshness = DEFAULT_FRESHNESS
    if env.get("NEWSRADAR_FRESHNESS"):
        freshness = parse_duration(env["NEWSRADAR_FRESHNESS"], what="NEWSRADAR_FRESHNESS")
    allow = (env.get("NEWSRADAR_ALLOW") or "all").strip()
    allow_all = allow.lower() == "all"
    return Config(
        db_path=parse_database(str(db or env.get("NEWSRADAR_DB") or DEFAULT_DB),
                               what="--db" if db else "NEWSRADAR_DB"),
        freshness=freshness,
        token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
        api_base_url=(env.get("TELEGRAM_API_BASE_URL") or "").strip() or None,
        admins=parse_chat_ids(env.get("NEWSRADAR_ADMINS", ""), what="NEWSRADAR_ADMINS"),
        allow_all=allow_all,
        allowed=frozenset() if allow_all else parse_chat_ids(allow, what="NEWSRADAR_ALLOW"),
        sources_file=Path(env["NEWSRADAR_SOURCES"]) if env.get("NEWSRADAR_SOURCES") else None,
        contact_url=env.get("NEWSRADAR_CONTACT_URL") or None,
        max_rules=_count(env, "NEWSRADAR_MAX_RULES", 50),
        commands_per_minute=_count(env, "NEWSRADAR_COMMANDS_PER_MINUTE", 20),
        send_lease=_duration(env, "NEWSRADAR_SEND_LEASE", dt.timedelta(seconds=60)),
        retry_base=_duration(env, "NEWSRADAR_RETRY_BASE", dt.timedelta(seconds=1)),
        retry_max=_duration(env, "NEWSRADAR_RETRY_MAX", dt.timedelta(minutes=5)),
        **_crawl_launcher(env),
    )


# -- where crawls run: NEWSRADAR_CRAWL_LAUNCHER, NEWSRADAR_SCRAPYD_NODES ------------------
LAUNCHERS = ("local", "scrapyd")


def _crawl_launcher(env) -> dict:
    kind = (env.get("NEWSRADAR_CRAWL_LAUNCHER") or "local").strip().lower()
    if kind not in LAUNCHERS:
        raise ConfigError(f"NEWSRADAR_CRAWL_LAUNCHER must be local or scrapyd, not {kind!r}.")
    nodes = parse_node_urls(env.get("NEWSRADAR_SCRAPYD_NODES", ""), what="NEWSRADAR_SCRAPYD_NODES")
    if kind == "scrapyd" and not nodes:
        raise ConfigError("NEWSRADAR_CRAWL_LAUNCHER=scrapyd needs NEWSRADAR_SCRAPYD_NODES: the Scrapyd URLs, "
                          "separated by commas, such as http://127.0.0.1:6800.")
    return {"crawl_launcher": kind, "scrapyd_nodes": nodes}


def parse_node_urls(text: str, *, what: str) -> tuple[str, ...]:
    """'http://a:6800, http://b:6800/' -> ('http://a:6800', 'http://b:6800'), in order, no repeats."""
    nodes: list[str] = []
    for part in re.split(r"[\s,]+", (text or "").strip()):
        if not part:
            continue
        if not re.match(r"^https?://[^/\s]+(/\S*)?$", part):
            raise ConfigError(f"{what} must list Scrapyd URLs such as http://127.0.0.1:6800; {part!r} is not one.")
        url = part.rstrip("/")
        if url not in nodes:
            nodes.append(url)
    return tuple(nodes)


def _count(env, name: str, default: int) -> int:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}.")
    return int(text)


def _duration(env, name: str, default: dt.timedelta) -> dt.timedelta:
    text = (env.get(name) or "").strip()
    return parse_duration(text, what=name) if text else default
