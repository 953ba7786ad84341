"""A small Business Standard web around the seed story, for the end-to-end tests.

The seed article is read from ../shared/seed at test time and laid into a page built
the way Business Standard builds one; its text never enters the repository. Without
the shared folder the demo's own-words version of the same story stands in.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from newsradar.demo import sites, stories
from newsradar.demo.web import (
    BS, URL_MARKETS, URL_MODI_BILATERALS, URL_MODI_PROPOSALS, URL_TAKAICHI_MODI, WebRecord,
)

SEED_URL = URL_TAKAICHI_MODI
FEED = f"{BS}/rss/latest.rss"
TOP_FEED = f"{BS}/rss/home_page_top_stories.rss"
NEWS_SITEMAP = f"{BS}/sitemap/google-news-sitemap.xml"
LATEST_SITEMAP = f"{BS}/sitemap/latest-news-sitemap.xml"
IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")


def seed_story(seed_text: str | None) -> stories.Story:
    """The seed article as a Story (title, paragraphs, 24 Nov 2025 06:48 IST)."""
    if not seed_text:
        return stories.TAKAICHI_MODI_G20
    lines = [line.strip() for line in seed_text.splitlines()]
    lines = [line for line in lines if line]
    title = lines[1]
    paragraphs = [
        line for line in lines[2:]
        if line != title and "Image:" not in line and not line.startswith("First Published")
    ]
    return stories.Story(
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        title=title,
        paragraphs=paragraphs,
        published=dt.datetime(2025, 11, 24, 6, 48, tzinfo=IST),
        authors=["BS Web Team"],
        section="World News",
    )


def _html(url: str, text: str) -> WebRecord:
    return WebRecord(url, 200, {"Content-Type": "text/html; charset=utf-8"}, text.encode("utf-8"))


def _xml(url: str, text: str, ctype: str) -> WebRecord:
    return WebRecord(url, 200, {"Content-Type": f"{ctype}; charset=utf-8"}, text.encode("utf-8"))


def build_seed_web(seed_text: str | None, *, with_story: bool = True) -> list[WebRecord]:
    """Business Standard's feeds, sitemaps and pages; ``with_story`` adds the seed and its neighbours."""
    s = stories
    seed = seed_story(seed_text)
    listed = [(s.MARKETS_OPEN_HIGHER, URL_MARKETS)]
    if with_story:
        listed = [(seed, SEED_URL), (s.MODI_G20_BILATERALS, URL_MODI_BILATERALS),
                  (s.MODI_G20_PROPOSALS, URL_MODI_PROPOSALS), *listed]
    trending = [(s.MARKETS_OPEN_HIGHER.title, URL_MARKETS)]
    # The Modi-only proposals story carries the Takaichi meeting in its sidebar only.
    sidebar = [(seed.title, SEED_URL), *trending]
    records = [
        WebRecord(f"{BS}/robots.txt", 200, {"Content-Type": "text/plain"},
                  sites.robots_txt("www.business-standard.com").encode()),
        _xml(FEED, sites.rss_feed("Business Standard - Latest", f"{BS}/", listed), "application/rss+xml"),
        _xml(TOP_FEED, sites.rss_feed("Business Standard - Top Stories", f"{BS}/", listed[:1]), "application/rss+xml"),
        _xml(NEWS_SITEMAP, sites.news_sitemap(listed), "application/xml"),
        _xml(LATEST_SITEMAP, sites.news_sitemap(listed), "application/xml"),
        _html(URL_MARKETS, sites.business_standard_article(s.MARKETS_OPEN_HIGHER, URL_MARKETS)),
    ]
    if with_story:
        records += [
            _html(SEED_URL, sites.business_standard_article(seed, SEED_URL, trending=trending)),
            _html(URL_MODI_BILATERALS, sites.business_standard_article(s.MODI_G20_BILATERALS, URL_MODI_BILATERALS, trending=trending)),
            _html(URL_MODI_PROPOSALS, sites.business_standard_article(s.MODI_G20_PROPOSALS, URL_MODI_PROPOSALS, trending=sidebar)),
        ]
    return records


def read_seed(shared: Path) -> str | None:
    seeds = sorted((shared / "seed").glob("*.txt")) if shared.is_dir() else []
    return seeds[0].read_text(encoding="utf-8") if seeds else None
