"""The source registry: newsradar's outlets, from the bundled sources.yaml plus an optional file.

A source says where to start (feeds, news sitemaps, HTML listing pages), which hosts
its links may lead to, what an article URL looks like, and, for backfill, which dated
archives exist (URL templates filled in per day or month). ``spider`` names a per-site
spider when the generic one does not suffice (see ``scrapers.spiders.SPIDERS``).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import yaml


class SourceError(ValueError):
    """A source name or a sources file that cannot be used, in one sentence."""


# Placeholders an archive URL template may use, each a function of the period's first day.
_PLACEHOLDERS = {
    "yyyy": lambda d: f"{d.year:04d}",
    "mm": lambda d: f"{d.month:02d}",
    "dd": lambda d: f"{d.day:02d}",
    "m": lambda d: str(d.month),
    "d": lambda d: str(d.day),
    "monthname": lambda d: calendar.month_name[d.month].lower(),
    "Monthname": lambda d: calendar.month_name[d.month],
    "mon": lambda d: calendar.month_abbr[d.month].lower(),
}
PERIODS = ("day", "month")


@dataclass(frozen=True)
class Archive:
    """A dated archive: one sitemap (or listing page) per day or per month."""

    url: str       # a template, e.g. https://example.com/sitemap/{yyyy}-{monthname}-1.xml
    period: str    # "day" or "month"

    def periods(self, since: dt.date, until: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
        """(first day, last day) of each period overlapping [since, until], newest first."""
        if self.period == "day":
            day = until
            while day >= since:
                yield day, day
                day -= dt.timedelta(days=1)
            return
        first = until.replace(day=1)
        while first >= since.replace(day=1):
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            yield first, last
            first = (first - dt.timedelta(days=1)).replace(day=1)

    def url_for(self, day: dt.date) -> str:
        return self.url.format(**{k: f(day) for k, f in _PLACEHOLDERS.items()})


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    homepage: str
    language: str
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    archives: tuple[Archive, ...] = ()
    no_archive_reason: str = ""
    article_pattern: str = ""
    spider: str = "news"
    listed_pages_are_articles: bool = False
    timezone: str | None = None
    country: str | None = None
    unconfirmed: tuple[str, ...] = ()
    notes: str = ""
    _pattern: re.Pattern | None = field(default=None, compare=False, repr=False)

    def is_article_url(self, url: str) -> bool:
        return bool(self._pattern is None or self._pattern.search(url))

    @property
    def entry_points(self) -> tuple[str, ...]:
        return (*self.feeds, *self.sitemaps, *self.listings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "homepage": self.homepage,
            "language": self.language,
            "country": self.country,
            "timezone": self.timezone,
            "allowed_domains": list(self.allowed_domains),
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "listings": list(self.listings),
            "archives": [{"url": a.url, "period": a.period} for a in self.archives],
            "no_archive_reason": self.no_archive_reason or None,
            "article_pattern": self.article_pattern,
            "spider": self.spider,
            "listed_pages_are_articles": self.listed_pages_are_articles,
            "unconfirmed": list(self.unconfirmed),
            "notes": self.notes,
        }


def _strings(origin: str, name: str, entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or ()
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise SourceError(f"{origin}: source {name!r} must list {key} as a list of URLs.")
    for url in value:
        if not url.startswith(("http://", "https://")):
            raise SourceError(f"{origin}: source {name!r} lists {url!r} under {key}, which is not an http(s) URL.")
    return tuple(value)


def _archives(origin: str, name: str, entry: dict) -> tuple[Archive, ...]:
    out = []
    for item in entry.get("archives") or ():
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise SourceError(f"{origin}: each archive of source {name!r} needs a url and a period.")
        period = item.get("period")
        if period not in PERIODS:
            raise SourceError(
                f"{origin}: archive {item['url']!r} of source {name!r} has period {period!r}; use day or month."
            )
        fields = {f for _, f, _, _ in string.Formatter().parse(item["url"]) if f}
        unknown = fields - set(_PLACEHOLDERS)
        if unknown:
            raise SourceError(
                f"{origin}: archive {item['url']!r} of source {name!r} uses unknown placeholder "
                f"{{{sorted(unknown)[0]}}}; known ones are {', '.join('{' + k + '}' for k in _PLACEHOLDERS)}."
            )
        if period == "day" and not fields & {"dd", "d"}:
            raise SourceError(f"{origin}: daily archive {item['url']!r} of source {name!r} never names the day.")
        out.append(Archive(item["url"], period))
    return tuple(out)


def _parse(data: Any, origin: str) -> dict[str, Source]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise SourceError(f"{origin} must hold a mapping named 'sources'.")
    out: dict[str, Source] = {}
    for name, entry in data["sources"].items():
        if not isinstance(entry, dict):
            raise SourceError(f"{origin}: source {name!r} must be a mapping.")
        missing = [k for k in ("title", "homepage", "language", "allowed_domains") if k not in entry]
        if missing:
            raise SourceError(f"{origin}: source {name!r} lacks {', '.join(missing)}.")
        feeds, sitemaps, listings = (_strings(origin, name, entry, k) for k in ("feeds", "sitemaps", "listings"))
        if not (feeds or sitemaps or listings):
            raise SourceError(f"{origin}: source {name!r} needs at least one feed, sitemap or listing page.")
        pattern = entry.get("article_pattern") or ""
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise SourceError(f"{origin}: source {name!r} has a bad article_pattern ({exc}).") from exc
        out[name] = Source(
            name=name,
            title=entry["title"],
            homepage=entry["homepage"],
            language=entry["language"],
            allowed_domains=tuple(entry["allowed_domains"]),
            feeds=feeds,
            sitemaps=sitemaps,
            listings=listings,
            archives=_archives(origin, name, entry),
            no_archive_reason=(entry.get("no_archive_reason") or "").strip(),
            article_pattern=pattern,
            spider=entry.get("spider") or "news",
            listed_pages_are_articles=bool(entry.get("listed_pages_are_articles")),
            timezone=entry.get("timezone"),
            country=entry.get("country"),
            unconfirmed=tuple(entry.get("unconfirmed") or ()),
            notes=(entry.get("notes") or "").strip(),
            _pattern=compiled,
        )
    return out


def load_sources(extra_file: str | Path | None = None) -> dict[str, Source]:
    """The bundled sources, plus (overriding by name) those in ``extra_file``."""
    text = resources.files("scrapers").joinpath("sources.yaml").read_text(encoding="utf-8")
    sources = _parse(yaml.safe_load(text), "the bundled sources.yaml")
    if extra_file:
        path = Path(extra_file)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SourceError(f"Cannot read the sources file {path}: {exc.strerror}.") from exc
        except yaml.YAMLError as exc:
            raise SourceError(f"The sources file {path} is not valid YAML ({exc}).") from exc
        sources.update(_parse(data, str(path)))
    return sources


def pick_sources(sources: dict[str, Source], names: list[str]) -> list[Source]:
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise SourceError(
            f"Unknown source {', '.join(map(repr, unknown))}; known sources are: {', '.join(sorted(sources))}."
        )
    return [sources[n] for n in names]
