"""schedule.yaml: which sources are crawled when. Parsing and validation are pure.

    timezone: Asia/Kolkata          # default zone of cron expressions
    jobs:
      - name: india                 # optional; defaults to the sources' names
        sources: [business-standard, the-hindu]   # crawled together, in one process
        every: 10m                  # or: cron: "*/15 6-23 * * *"
        jitter: 30s                 # optional random delay
        timeout: 15m                # optional hard limit for the crawl process
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
MIN_INTERVAL = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class CrawlJob:
    name: str
    sources: tuple[str, ...]
    every: dt.timedelta | None
    cron: str | None
    timezone: str
    jitter: dt.timedelta
    timeout: dt.timedelta
    line: int

    def trigger(self):
        """An APScheduler trigger for this job."""
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = self.jitter.total_seconds() or None
        if self.every is not None:
            return IntervalTrigger(seconds=self.every.total_seconds(), jitter=jitter,
                                   timezone=ZoneInfo(self.timezone))
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone)) if not jitter else \
            _cron_with_jitter(self.cron, self.timezone, jitter)


def _cron_with_jitter(expr: str, tz: str, jitter: float):
    minute, hour, day, month, dow = expr.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                       timezone=ZoneInfo(tz), jitter=jitter)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_schedule(text: str, known_sources: set[str] | dict, *, origin: str = "schedule.yaml") -> list[CrawlJob]:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ScheduleError(f"{origin}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ScheduleError(f"{origin}: expected a mapping with a list named 'jobs'.")
    default_tz = data.get("timezone", "UTC")
    _check_zone(default_tz, origin, data.get("__line__", 1))
    jobs: list[CrawlJob] = []
    names: set[str] = set()
    for raw in data["jobs"]:
        if not isinstance(raw, dict):
            raise ScheduleError(f"{origin}: every entry under 'jobs' must be a mapping.")
        line = raw.get("__line__", 0)
        where = f"{origin} line {line}"
        unknown_keys = set(raw) - {"__line__", "name", "sources", "every", "cron", "jitter", "timeout", "timezone"}
        if unknown_keys:
            raise ScheduleError(f"{where}: unknown key {', '.join(sorted(unknown_keys))}.")
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
        if ("every" in raw) == ("cron" in raw):
            raise ScheduleError(f"{where}: give exactly one of 'every' (such as 10m) or 'cron'.")
        tz = raw.get("timezone", default_tz)
        _check_zone(tz, origin, line)
        try:
            every = parse_duration(str(raw["every"]), what="'every'") if "every" in raw else None
            jitter = parse_duration(str(raw["jitter"]), what="'jitter'") if "jitter" in raw else dt.timedelta(0)
            timeout = parse_duration(str(raw["timeout"]), what="'timeout'") if "timeout" in raw else DEFAULT_TIMEOUT
        except ConfigError as exc:
            raise ScheduleError(f"{where}: {exc}") from None
        if every is not None and every < MIN_INTERVAL:
            raise ScheduleError(f"{where}: 'every' must be at least {MIN_INTERVAL.total_seconds():.0f}s.")
        cron = raw.get("cron")
        if cron is not None:
            try:
                CronTrigger.from_crontab(str(cron), timezone=ZoneInfo(tz))
            except ValueError as exc:
                raise ScheduleError(f"{where}: cron {cron!r} is not a valid 5-field expression ({exc}).") from None
        name = str(raw.get("name") or "+".join(sources))
        if name in names:
            raise ScheduleError(f"{where}: a job named {name!r} already exists; give this one another name.")
        names.add(name)
        jobs.append(CrawlJob(name, tuple(sources), every, str(cron) if cron else None, tz, jitter, timeout, line))
    if not jobs:
        raise ScheduleError(f"{origin}: 'jobs' is empty; nothing would ever be crawled.")
    return jobs


def load_schedule(path: Path, known_sources) -> list[CrawlJob]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"Cannot read the schedule {path}: {exc.strerror}.") from None
    return parse_schedule(text, known_sources, origin=str(path))


def _check_zone(tz: str, origin: str, line: int) -> None:
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{origin} line {line}: unknown time zone {tz!r} (use a name such as Asia/Kolkata).") from None
