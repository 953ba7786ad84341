"""Backfill: walking a source's dated archives (daily or monthly sitemaps) for a date range.

``check_backfill`` says, in one sentence, why a range or a source cannot be
backfilled; ``run_crawl(..., since=, until=)`` does the walking (the spider's backfill
mode) and ``Progress`` draws the progress line on stderr: listings, pages, articles,
errors and an ETA. A backfill is resumable: archives walked to the end are remembered
(``backfill_done``) and stored articles are never fetched again, so after Ctrl-C or a
crash the same command carries on where it stopped.
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from typing import TextIO

from .registry import Source


class BackfillError(ValueError):
    """A backfill that cannot run as asked, in one sentence."""


def parse_day(text: str, *, what: str) -> dt.date:
    """A YYYY-MM-DD date given on the command line."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise BackfillError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-11-01.") from None


def check_backfill(sources: list[Source], since: dt.date, until: dt.date, *, today: dt.date | None = None) -> None:
    """Raise BackfillError when the range is wrong or a source has no dated archive."""
    today = today or dt.date.today()
    if since > until:
        raise BackfillError(f"--since {since} is after --until {until}; give the earlier date first.")
    if since > today:
        raise BackfillError(f"--since {since} is in the future; there is nothing to backfill yet.")
    without = [s for s in sources if not s.archives]
    if without:
        s = without[0]
        why = f": {s.no_archive_reason}" if s.no_archive_reason else ""
        others = [x.name for x in sources if x.archives]
        tail = f" (backfill {', '.join(others)} on their own)" if others else ""
        raise BackfillError(f"{s.title} ({s.name}) has no dated archive to backfill from{why}{tail}.")


def archive_count(source: Source, since: dt.date, until: dt.date) -> int:
    return sum(1 for a in source.archives for _ in a.periods(since, until))


class Progress:
    """One progress line, shared by every spider of a backfill, redrawn at most twice a second.

    Counts: listings (archives and the sitemaps they nest) done of known, article pages
    done of queued, articles stored, errors. The ETA extrapolates the pages an archive
    still to be read will list from those already read.
    """

    def __init__(self, stream: TextIO | None = None, *, interval: float = 0.5, label: str = "backfill"):
        self.stream = stream or sys.stderr
        self.is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        # A terminal gets one line redrawn in place; a log file a line every few seconds.
        self.interval = interval if self.is_tty else max(interval, 5.0)
        self.label = label
        self.listings_total = self.listings_done = 0
        self.pages_total = self.pages_done = 0
        self.articles = self.errors = 0
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0
        self._lock = threading.Lock()

    def __deepcopy__(self, memo) -> "Progress":
        # Scrapy copies its settings per crawler; every copy must draw on the one line.
        return self

    # Spiders call these.
    def add_listings(self, n: int) -> None:
        self.listings_total += n
        self._draw()

    def listing_done(self) -> None:
        self.listings_done += 1
        self._draw()

    def add_pages(self, n: int) -> None:
        self.pages_total += n
        self._draw()

    def page_done(self) -> None:
        self.pages_done += 1
        self._draw()

    def article_stored(self) -> None:
        self.articles += 1
        self._draw()

    def error(self) -> None:
        self.errors += 1
        self._draw()

    # Drawing.
    def eta_seconds(self) -> float | None:
        done = self.listings_done + self.pages_done
        elapsed = time.monotonic() - self.started
        if done == 0 or elapsed <= 0:
            return None
        pages_per_listing = self.pages_total / self.listings_done if self.listings_done else 0
        expected_pages = self.pages_total + (self.listings_total - self.listings_done) * pages_per_listing
        remaining = (self.listings_total - self.listings_done) + max(expected_pages - self.pages_done, 0)
        return remaining * elapsed / done

    def line(self) -> str:
        eta = self.eta_seconds()
        eta_text = "--" if eta is None else _duration(eta)
        return (f"{self.label}: archives {self.listings_done}/{self.listings_total}, "
                f"pages {self.pages_done}/{self.pages_total}, articles {self.articles}, "
                f"errors {self.errors}, ETA {eta_text}")

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < self.interval:
            return
        self._drawn_at = now
        text = self.line()
        with self._lock:
            if self.is_tty:
                pad = max(self._width - len(text), 0)
                self.stream.write("\r" + text + " " * pad)
            else:
                self.stream.write(text + "\n")
            self._width = len(text)
            self.stream.flush()

    def finish(self) -> None:
        self._draw(force=True)
        if self.is_tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
