"""The source registry: newsradar's outlets, from the bundled sources.yaml plus an optional file."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


class SourceError(ValueError):
    """A source name or a sources file that cannot be used, in one sentence."""


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    homepage: str
    language: str
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_pattern: str = ""
    timezone: str | None = None
    country: str | None = None
    unconfirmed: tuple[str, ...] = ()
    notes: str = ""
    _pattern: re.Pattern | None = field(default=None, compare=False, repr=False)

    def is_article_url(self, url: str) -> bool:
        return bool(self._pattern is None or self._pattern.search(url))

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
            "article_pattern": self.article_pattern,
            "unconfirmed": list(self.unconfirmed),
            "notes": self.notes,
        }


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
        if not entry.get("feeds") and not entry.get("sitemaps"):
            raise SourceError(f"{origin}: source {name!r} needs at least one feed or sitemap.")
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
            feeds=tuple(entry.get("feeds") or ()),
            sitemaps=tuple(entry.get("sitemaps") or ()),
            article_pattern=pattern,
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
