"""Reading publication times the many ways sites write them, always with a zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from .model import ExtractionError

# Zone abbreviations that the sites we read print after their times.
_TZ_ABBREVIATIONS = {
    "IST": 5 * 3600 + 1800,
    "JST": 9 * 3600,
    "KST": 9 * 3600,
    "GMT": 0,
    "UTC": 0,
    "Z": 0,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
}
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo | timezone:
    """The zone for a tz database name; UTC when no name is given."""
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ExtractionError(f"Unknown time zone {name!r}: use a tz database name such as 'Asia/Kolkata'.") from err


def _plausible(value: datetime) -> datetime | None:
    latest = datetime.now(timezone.utc) + timedelta(days=2)
    return value if _EARLIEST <= value <= latest else None


def parse_datetime(value: object, default_tz: str | None = None) -> datetime | None:
    """A timezone-aware datetime from an ISO string, a site's free-form date or an epoch.

    Naive times are taken to be in ``default_tz`` (UTC when it is None); epochs
    (seconds or milliseconds) are shown in ``default_tz``. Implausible dates
    (before 1995 or in the future) give None.
    """
    tz = zone(default_tz)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.match(value.strip())):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return _plausible(datetime.fromtimestamp(number, tz))
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 80:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        if not _YEAR.search(text):
            return None  # fuzzy parsing of "5 min read" would invent a date
        try:
            parsed = dateutil_parser.parse(text, tzinfos=_TZ_ABBREVIATIONS, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return _plausible(parsed)


_JA_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})時(\d{1,2})分)?")
_DATE_ELEMENTS = (
    "//*[contains(@class, 'date') or contains(@id, 'date') or contains(@class, 'time') or self::time]"
)


def yearless_date(tree) -> tuple[int, int, int, int] | None:
    """(month, day, hour, minute) from a page's date element written without a year.

    Japanese pages print "[06月24日 11時30分]"; the year has to come from elsewhere.
    """
    for element in tree.xpath(_DATE_ELEMENTS):
        text = element.text_content()
        if len(text) > 60:
            continue
        match = _JA_MONTH_DAY.search(text)
        if match and not _YEAR.search(text):
            month, day = int(match.group(1)), int(match.group(2))
            hour, minute = int(match.group(3) or 0), int(match.group(4) or 0)
            if 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60:
                return month, day, hour, minute
    return None


def complete_year(parts: tuple[int, int, int, int], near: datetime) -> datetime | None:
    """The yearless date in the year that puts it nearest to ``near`` (a date found elsewhere)."""
    month, day, hour, minute = parts
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(datetime(year, month, day, hour, minute, tzinfo=near.tzinfo))
        except ValueError:
            continue
    if not candidates:
        return None
    best = min(candidates, key=lambda value: abs(value - near))
    return _plausible(best) if abs(best - near) <= timedelta(days=62) else None
