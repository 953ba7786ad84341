"""What a spider hands the pipeline: one extracted article and where it was met."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ArticleItem:
    url: str                      # canonical URL
    source: str
    title: str
    body: str
    fetched_at: dt.datetime       # when the page was fetched (a replay: when it was captured)
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    language: str | None = None
    image: str | None = None
    summary: str | None = None
    extraction: str | None = None
    seen_urls: list[str] = field(default_factory=list)
