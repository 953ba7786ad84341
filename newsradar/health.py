"""Health of each source, from the crawl_runs and articles tables, and admin notices.

A source is *failing* after N failed runs in a row, and *silent* when no new article
has arrived for much longer than its usual gap between articles. Each incident is
told to admins once: the notice key names the incident (the first failed run of the
streak, or the last article before the silence), so later runs add nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
import statistics
from dataclasses import asdict, dataclass

import sqlite_utils

from storage import parse_ts, utcnow, write
from storage.notices import add_notice

from .schedule import HealthPolicy

logger = logging.getLogger("newsradar.health")

RECENT_RUNS = 20          # error rate and articles per run are over this many runs
GAP_SAMPLE = 50           # the usual gap is the median over this many recent articles
MIN_ARTICLES_FOR_GAP = 5  # fewer than this and nobody can say what "usual" is


@dataclass
class SourceHealth:
    source: str
    state: str                          # ok, failing, silent, never run
    last_run: str | None
    last_status: str | None
    last_success: str | None
    runs: int                           # of the last RECENT_RUNS
    failed_runs: int
    error_rate: float                   # failed_runs / runs
    failures_in_a_row: int
    articles_per_run: float
    last_article: str | None
    usual_gap_s: float | None
    silent_for_s: float | None
    streak_first_run: int | None = None  # the incident key of a failure streak
    last_article_id: int | None = None
    last_error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def source_health(db: sqlite_utils.Database, sources, policy: HealthPolicy = HealthPolicy(),
                  now: dt.datetime | None = None) -> list[SourceHealth]:
    now = now or utcnow()
    return [_one(db, name, policy, now) for name in sources]


def _one(db, source: str, policy: HealthPolicy, now: dt.datetime) -> SourceHealth:
    runs = [dict(zip(("id", "started_at", "status", "articles_new", "error_log"), r)) for r in db.execute(
        "SELECT id, started_at, status, articles_new, error_log FROM crawl_runs "
        # An interrupted run (service stopped or killed) says nothing about the source.
        "WHERE source = ? AND status NOT IN ('running', 'interrupted') ORDER BY id DESC LIMIT ?",
        [source, RECENT_RUNS]
    ).fetchall()]
    running = db.execute("SELECT max(started_at) FROM crawl_runs WHERE source = ? AND status = 'running'",
                         [source]).fetchone()[0]
    success = db.execute("SELECT max(finished_at) FROM crawl_runs WHERE source = ? AND status = 'ok'",
                         [source]).fetchone()[0]
    streak = 0
    for run in runs:
        if run["status"] == "ok":
            break
        streak += 1
    failed = sum(1 for r in runs if r["status"] != "ok")
    last_error = None
    if runs and runs[0]["status"] != "ok":
        last_error = _first_reason(runs[0]["error_log"]) or runs[0]["status"]

    recent = db.execute(
        "SELECT id, coalesce(published_utc, fetched_at) AS at, fetched_at FROM articles WHERE source = ? "
        "ORDER BY fetched_at DESC, id DESC LIMIT ?", [source, GAP_SAMPLE]
    ).fetchall()
    last_article_id = recent[0][0] if recent else None
    last_article = recent[0][2] if recent else None
    gap = _usual_gap([parse_ts(r[1]) for r in recent])
    silent_for = (now - parse_ts(last_article)).total_seconds() if last_article else None

    if not runs:
        state = "running" if running else "never run"
    elif streak >= policy.failures:
        state = "failing"
    elif gap is not None and silent_for is not None and \
            silent_for > max(policy.silent_factor * gap, policy.min_silence.total_seconds()):
        state = "silent"
    elif streak:
        # Failing, but not yet for `failures` runs in a row: shown, not yet reported.
        state = "erring"
    else:
        state = "ok"
    return SourceHealth(
        source=source, state=state,
        last_run=runs[0]["started_at"] if runs else running, last_status=runs[0]["status"] if runs else None,
        last_success=success, runs=len(runs), failed_runs=failed,
        error_rate=round(failed / len(runs), 3) if runs else 0.0, failures_in_a_row=streak,
        articles_per_run=round(sum(r["articles_new"] for r in runs) / len(runs), 2) if runs else 0.0,
        last_article=last_article, usual_gap_s=gap, silent_for_s=silent_for,
        streak_first_run=runs[streak - 1]["id"] if streak else None,
        last_article_id=last_article_id, last_error=last_error,
    )


def _usual_gap(times: list[dt.datetime | None]) -> float | None:
    stamps = sorted({t for t in times if t is not None})
    if len(stamps) < MIN_ARTICLES_FOR_GAP:
        return None
    gaps = [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])]
    return max(1.0, statistics.median(gaps))


def _first_reason(error_log: str | None) -> str | None:
    import json

    try:
        errors = json.loads(error_log or "[]")
    except ValueError:
        return None
    return errors[0].get("reason") if errors else None


def notify_incidents(db: sqlite_utils.Database, report: list[SourceHealth], admins) -> list[str]:
    """Queue one notice per new incident for every admin; returns the texts queued."""
    told: list[str] = []
    for h in report:
        if h.state == "failing":
            key = f"source-failing:{h.source}:{h.streak_first_run}"
            text = (f"newsradar: {h.source} failed {h.failures_in_a_row} runs in a row "
                    f"(last error: {h.last_error}); last success {h.last_success or 'never'}.")
        elif h.state == "silent":
            key = f"source-silent:{h.source}:{h.last_article_id}"
            text = (f"newsradar: {h.source} has brought no new article for {_human(h.silent_for_s)} "
                    f"(usually one every {_human(h.usual_gap_s)}); its feeds may have moved.")
        else:
            continue
        if admins and add_notice(db, admins, text, key=key):
            told.append(text)
            logger.warning("incident source=%s state=%s key=%s notified=%d", h.source, h.state, key, len(admins))
        elif not admins and not _seen(db, key):
            # No admin to tell: log the incident once, remembered in meta by its key.
            with write(db):
                db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, '1')", [f"incident:{key}"])
            logger.warning("incident source=%s state=%s key=%s notified=0 (set NEWSRADAR_ADMINS to be told)",
                           h.source, h.state, key)
    return told


def _seen(db, key: str) -> bool:
    return db.execute("SELECT 1 FROM meta WHERE key = ?", [f"incident:{key}"]).fetchone() is not None


def _human(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}".replace(".0", "")
    return f"{seconds:.0f}s"


def format_table(report: list[SourceHealth]) -> list[str]:
    """``newsradar status``: one line per source."""
    head = f"{'source':20} {'state':9} {'last success':20} {'runs':>4} {'err%':>5} {'new/run':>7} {'last article':20} {'usual gap':>9}"
    lines = [head]
    for h in report:
        lines.append(
            f"{h.source:20} {h.state:9} {_short(h.last_success):20} {h.runs:>4} {h.error_rate * 100:>5.0f} "
            f"{h.articles_per_run:>7.1f} {_short(h.last_article):20} {_human(h.usual_gap_s):>9}"
        )
        if h.last_error and h.state != "ok":
            lines.append(f"{'':21}last error: {h.last_error}")
    return lines


def _short(ts: str | None) -> str:
    if not ts:
        return "-"
    return parse_ts(ts).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
