"""schedule.yaml: which sources are crawled when, plus upkeep and health. Parsing and
validation are pure; the service turns the result into APScheduler jobs.

    timezone: Asia/Kolkata          # default zone of cron expressions
    batch: 30s                      # sources due within this of each other share one crawl
    jobs:
      - name: india                 # optional; defaults to the sources' names
        sources: [business-standard, the-hindu]   # crawled together, in one process
        every: 10m                  # or: cron: "*/15 6-23 * * *"
        jitter: 30s                 # optional random delay
        timeout: 15m                # optional hard limit for the crawl process
    upkeep:                         # optional; retention, PRAGMA optimize, WAL checkpoint
      cron: "30 3 * * *"
      retention: 365d               # article bodies older than this are dropped
      keep_metadata: true           # false: drop the whole row (and its search entry)
      backup: backups/newsradar.db  # optional online backup after upkeep
    health:                         # optional; when admins are told about a source
      failures: 3                   # this many failed runs in a row is an incident
      silent_factor: 4              # silent: no new article for 4x the usual gap ...
      min_silence: 6h               # ... and never less than this

Digests are not scheduled here: each chat sets its own digest time in Telegram
(`/digest 08:00`, in the chat's own time zone), and the bot's sender releases them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger

from .config import parse_duration
from .errors import ConfigError, ScheduleError

DEFAULT_TIMEOUT = dt.timedelta(minutes=15)
DEFAULT_BATCH = dt.timedelta(seconds=30)
DEFAULT_RETENTION = dt.timedelta(days=365)
MIN_INTERVAL = dt.timedelta(seconds=1)

_TIMING_KEYS = {"every", "cron", "jitter", "timezone"}


@dataclass(frozen=True)
class _Timed:
    """Shared by every kind of job: when it runs."""

    def trigger(self, *, with_jitter: bool = True):
        """An APScheduler trigger for this job (``with_jitter=False`` for predictions)."""
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = (self.jitter.total_seconds() or None) if with_jitter else None
        zone = ZoneInfo(self.timezone)
        if self.every is not None:
            return IntervalTrigger(seconds=self.every.total_seconds(), jitter=jitter, timezone=zone)
        minute, hour, day, month, dow = self.cron.split()
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                           timezone=zone, jitter=jitter)

    def describe(self) -> str:
        when = f"every {_fmt(self.every)}" if self.every is not None else f"cron {self.cron!r} ({self.timezone})"
        return when + (f", jitter {_fmt(self.jitter)}" if self.jitter else "")

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first slot strictly after ``moment`` (without jitter)."""
        if self.every is not None:
            return moment + self.every
        return self.trigger(with_jitter=False).get_next_fire_time(None, moment + dt.timedelta(seconds=1))

    def gap(self, now: dt.datetime) -> dt.timedelta:
        """The time between two slots (for cron, the next two after ``now``)."""
        if self.every is not None:
            return self.every
        first = self.next_after(now)
        return self.next_after(first) - first

    def first_run(self, last_run: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        """When to run first after a start: now if a slot was missed since ``last_run``
        (all missed slots coalesce into this one run), else the next slot."""
        if last_run is None:
            return now
        due = self.next_after(last_run)
        return now if due <= now else due


@dataclass(frozen=True)
class CrawlJob(_Timed):
    name: str
    sources: tuple[str, ...]
    every: dt.timedelta | None
    cron: str | None
    timezone: str
    jitter: dt.timedelta
    timeout: dt.timedelta
    line: int


@dataclass(frozen=True)
class UpkeepJob(_Timed):
    every: dt.timedelta | None
    cron: str | None
    timezone: str
    jitter: dt.timedelta
    line: int
    retention: dt.timedelta = DEFAULT_RETENTION
    keep_metadata: bool = True
    backup: Path | None = None
    name: str = "upkeep"


@dataclass(frozen=True)
class HealthPolicy:
    failures: int = 3
    silent_factor: float = 4.0
    min_silence: dt.timedelta = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Schedule:
    jobs: list[CrawlJob]
    upkeep: UpkeepJob
    health: HealthPolicy = HealthPolicy()
    batch: dt.timedelta = DEFAULT_BATCH

    def all_jobs(self) -> list[_Timed]:
        return [*self.jobs, self.upkeep]


DEFAULT_UPKEEP = UpkeepJob(every=None, cron="30 3 * * *", timezone="UTC", jitter=dt.timedelta(0), line=0)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_schedule(text: str, known_sources: set[str] | dict, *, origin: str = "schedule.yaml") -> list[CrawlJob]:
    """The crawl jobs of a schedule (see :func:`parse_schedule_file` for everything)."""
    return parse_schedule_file(text, known_sources, origin=origin).jobs


def parse_schedule_file(text: str, known_sources: set[str] | dict, *, origin: str = "schedule.yaml") -> Schedule:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ScheduleError(f"{origin}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ScheduleError(f"{origin}: expected a mapping with a list named 'jobs'.")
    top_line = data.get("__line__", 1)
    if "digests" in data:
        raise ScheduleError(f"{origin}: digests are not scheduled here; each chat sets its own "
                            "digest time in Telegram with /digest 08:00. Remove the 'digests' key.")
    unknown_top = set(data) - {"__line__", "timezone", "batch", "jobs", "upkeep", "health"}
    if unknown_top:
        raise ScheduleError(f"{origin}: unknown top-level key {', '.join(sorted(unknown_top))} "
                            "(expected timezone, batch, jobs, upkeep, health).")
    default_tz = str(data.get("timezone", "UTC"))
    _check_zone(default_tz, origin, top_line)
    batch = _duration(data, "batch", DEFAULT_BATCH, f"{origin} line {top_line}")

    jobs: list[CrawlJob] = []
    names: set[str] = set()
    for raw in data["jobs"]:
        where, raw = _entry(raw, origin, "jobs")
        _no_unknown_keys(raw, where, {"name", "sources", "timeout"})
        sources = raw.get("sources")
        if isinstance(sources, str):
            sources = [sources]
        if not sources or not all(isinstance(s, str) for s in sources):
            raise ScheduleError(f"{where}: 'sources' must list one or more source names.")
        unknown = [s for s in sources if s not in known_sources]
        if unknown:
            raise ScheduleError(
                f"{where}: unknown source {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(sorted(known_sources))})."
            )
        every, cron, tz, jitter = _timing(raw, where, default_tz, origin)
        timeout = _duration(raw, "timeout", DEFAULT_TIMEOUT, where)
        name = str(raw.get("name") or "+".join(sources))
        _unique(name, names, where)
        jobs.append(CrawlJob(name, tuple(sources), every, cron, tz, jitter, timeout, raw["__line__"]))
    if not jobs:
        raise ScheduleError(f"{origin}: 'jobs' is empty; nothing would ever be crawled.")

    upkeep = DEFAULT_UPKEEP
    if data.get("upkeep") is not None:
        where, raw = _entry(data["upkeep"], origin, "upkeep")
        _no_unknown_keys(raw, where, {"retention", "keep_metadata", "backup"})
        every, cron, tz, jitter = _timing(raw, where, default_tz, origin)
        keep = raw.get("keep_metadata", True)
        if not isinstance(keep, bool):
            raise ScheduleError(f"{where}: 'keep_metadata' must be true or false.")
        retention = _duration(raw, "retention", DEFAULT_RETENTION, where)
        backup = raw.get("backup")
        upkeep = UpkeepJob(every, cron, tz, jitter, raw["__line__"], retention=retention,
                           keep_metadata=keep, backup=Path(str(backup)) if backup else None)
    _unique(upkeep.name, names, f"{origin} line {upkeep.line}")

    health = HealthPolicy()
    if data.get("health") is not None:
        where, raw = _entry(data["health"], origin, "health")
        _no_unknown_keys(raw, where, {"failures", "silent_factor", "min_silence"}, timing=False)
        failures, factor = raw.get("failures", health.failures), raw.get("silent_factor", health.silent_factor)
        if not isinstance(failures, int) or isinstance(failures, bool) or failures < 1:
            raise ScheduleError(f"{where}: 'failures' must be a whole number of runs, at least 1.")
        if not isinstance(factor, (int, float)) or isinstance(factor, bool) or factor < 1:
            raise ScheduleError(f"{where}: 'silent_factor' must be a number of at least 1.")
        health = HealthPolicy(failures, float(factor), _duration(raw, "min_silence", health.min_silence, where))

    return Schedule(jobs, upkeep, health, batch)


def load_schedule(path: Path, known_sources) -> list[CrawlJob]:
    return load_schedule_file(path, known_sources).jobs


def load_schedule_file(path: Path, known_sources) -> Schedule:
    return parse_schedule_file(read_schedule_text(path), known_sources, origin=str(path))


def read_schedule_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"Cannot read the schedule {path}: {exc.strerror}.") from None


def next_runs(schedule: Schedule, now: dt.datetime,
              last_runs: dict[str, dt.datetime] | None = None) -> list[dict]:
    """When each job runs next (without jitter), given when its sources last ran."""
    last_runs = last_runs or {}
    out = []
    for job in schedule.all_jobs():
        if isinstance(job, CrawlJob):
            seen = [last_runs.get(s) for s in job.sources]
            last = None if any(t is None for t in seen) else min(seen)
            kind, what = "crawl", ", ".join(job.sources)
        else:
            kind = "upkeep"
            last = last_runs.get(f"{kind}:{job.name}")
            what = ""
        out.append({"name": job.name, "kind": kind, "sources": what, "when": job.describe(),
                    "last_run": last, "next_run": job.first_run(last, now), "line": job.line})
    return sorted(out, key=lambda r: (r["next_run"], r["name"]))


# -- helpers ------------------------------------------------------------------------
def _entry(raw, origin: str, section: str) -> tuple[str, dict]:
    if not isinstance(raw, dict):
        raise ScheduleError(f"{origin}: every entry under '{section}' must be a mapping.")
    return f"{origin} line {raw.get('__line__', 0)}", raw


def _no_unknown_keys(raw: dict, where: str, allowed: set[str], *, timing: bool = True) -> None:
    unknown = set(raw) - allowed - {"__line__"} - (_TIMING_KEYS if timing else set())
    if unknown:
        raise ScheduleError(f"{where}: unknown key {', '.join(sorted(unknown))}.")


def _unique(name: str, names: set[str], where: str) -> None:
    if name in names:
        raise ScheduleError(f"{where}: a job named {name!r} already exists; give this one another name.")
    names.add(name)


def _duration(raw: dict, key: str, default: dt.timedelta, where: str) -> dt.timedelta:
    if key not in raw:
        return default
    try:
        return parse_duration(str(raw[key]), what=f"'{key}'")
    except ConfigError as exc:
        raise ScheduleError(f"{where}: {exc}") from None


def _timing(raw: dict, where: str, default_tz: str, origin: str):
    if ("every" in raw) == ("cron" in raw):
        raise ScheduleError(f"{where}: give exactly one of 'every' (such as 10m) or 'cron'.")
    tz = str(raw.get("timezone", default_tz))
    _check_zone(tz, origin, raw["__line__"])
    every = _duration(raw, "every", dt.timedelta(0), where) if "every" in raw else None
    jitter = _duration(raw, "jitter", dt.timedelta(0), where)
    if every is not None and every < MIN_INTERVAL:
        raise ScheduleError(f"{where}: 'every' must be at least {MIN_INTERVAL.total_seconds():.0f}s.")
    cron = raw.get("cron")
    if cron is not None:
        cron = str(cron)
        if len(cron.split()) != 5:
            raise ScheduleError(f"{where}: cron {cron!r} must have 5 fields (minute hour day month weekday).")
        try:
            CronTrigger.from_crontab(cron, timezone=ZoneInfo(tz))
        except ValueError as exc:
            raise ScheduleError(f"{where}: cron {cron!r} is not a valid 5-field expression ({exc}).") from None
    return every, cron, tz, jitter


def _check_zone(tz: str, origin: str, line: int) -> None:
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{origin} line {line}: unknown time zone {tz!r} (use a name such as Asia/Kolkata).") from None


def _fmt(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
