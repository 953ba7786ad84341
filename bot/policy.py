"""When an alert may go out: digest times, quiet hours, time zones, bursts. Pure functions.

Times a user types are wall-clock times in the chat's zone ("08:00", "23:00-07:00");
everything returned is an aware UTC datetime.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BURST_LIMIT = 5                       # more alerts than this to one chat within a minute ...
BURST_WINDOW = dt.timedelta(minutes=1)  # ... are collapsed into one summary message

_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


class SettingError(ValueError):
    """A setting typed in the chat that cannot be used; the message is one sentence."""


def parse_clock(text: str) -> str:
    """'8:00', '08.00', '20h30' -> 'HH:MM'."""
    m = _CLOCK.match(text or "")
    if not m:
        raise SettingError(f"{text.strip() or 'That'!r} is not a time of day; write it as HH:MM, e.g. 08:00.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_quiet(text: str) -> tuple[str, str] | None:
    """'23:00-07:00' -> ('23:00', '07:00'); 'off' -> None."""
    text = (text or "").strip()
    if text.lower() in ("off", "none", "no"):
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise SettingError("Write quiet hours as START-END, e.g. 23:00-07:00, or 'off'.")
    start, end = parse_clock(start), parse_clock(end)
    if start == end:
        raise SettingError("Quiet hours must start and end at different times.")
    return start, end


def parse_tz(text: str) -> str:
    """An IANA zone name such as Asia/Kolkata, checked against the zone database."""
    name = (text or "").strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name):
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"{name or 'That'!r} is not a time zone I know; use a name like Asia/Kolkata, Asia/Tokyo or UTC."
        ) from None
    return name


def _at(day: dt.date, clock: str, zone: ZoneInfo) -> dt.datetime:
    hour, minute = map(int, clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def next_clock(now: dt.datetime, clock: str, tz: str) -> dt.datetime:
    """The first moment after ``now`` when the chat's wall clock shows ``clock`` (UTC)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    for days in range(0, 3):
        candidate = _at(local.date() + dt.timedelta(days=days), clock, zone)
        if candidate > local:
            return candidate.astimezone(dt.timezone.utc)
    raise AssertionError("unreachable: a clock time recurs within two days")


def in_quiet_hours(now: dt.datetime, start: str, end: str, tz: str) -> bool:
    local = now.astimezone(ZoneInfo(tz)).strftime("%H:%M")
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window crosses midnight


def release_time(settings: dict, now: dt.datetime, *, urgent: bool = False) -> dt.datetime | None:
    """When an alert matched ``now`` may be sent: None for right away, else the UTC time it is held to.

    Urgent rules always go right away. Digest mode holds everything to the next digest
    time; quiet hours hold to their end (the held alerts then go out as one digest).
    """
    if urgent:
        return None
    tz = settings.get("tz") or "UTC"
    if settings.get("mode") == "digest":
        return next_clock(now, settings.get("digest_at") or "08:00", tz)
    start, end = settings.get("quiet_start"), settings.get("quiet_end")
    if start and end and in_quiet_hours(now, start, end, tz):
        return next_clock(now, end, tz)
    return None


def burst_plan(recent: int, due: int, *, limit: int | None = BURST_LIMIT) -> str:
    """How to send ``due`` alerts to a chat that had ``recent`` messages in the last minute.

    "each": one message per alert; "summary": all of them now as one message;
    "hold": keep them until the minute is over, then send one summary.
    """
    if limit is None or recent + due <= limit:
        return "each"
    if recent == 0 or due > limit:
        return "summary"
    return "hold"
