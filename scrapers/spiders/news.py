"""The news spider: from a source's feeds and news sitemaps to extracted articles.

One spider instance crawls one source. Listings are fetched with conditional GET
(304 means nothing new); links are followed only when they are http(s) on the
source's own hosts, look like its article URLs, and are not already stored.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, AsyncIterator

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError as TxTimeoutError

from storage import open_db
from storage.articles import known_url
from storage.runs import get_validators, save_validators

from ..extract import ExtractionError, extract_article
from ..feeds import FeedError, parse_listing
from ..items import ArticleItem
from ..registry import Source, load_sources
from ..urls import canonicalize_url, is_followable

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings: dict[str, Any] = {}

    def __init__(self, source: Source | str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if source is None:
            raise ValueError("Say which source to crawl: scrapy crawl news -a source=NAME")
        self.source_ref = source
        self.errors: list[dict] = []
        self.counts = {"pages": 0, "listings": 0, "not_modified": 0, "not_articles": 0, "skipped_known": 0}

    # -- set-up -------------------------------------------------------------------
    def _setup(self) -> None:
        settings = self.crawler.settings
        if isinstance(self.source_ref, Source):
            self.source = self.source_ref
        else:
            sources = load_sources(settings.get("NEWSRADAR_SOURCES_FILE"))
            self.source = sources[self.source_ref]
        self.name = f"news:{self.source.name}"
        self.allowed_hosts = frozenset(d.lower() for d in self.source.allowed_domains)
        self.db = open_db(settings.get("NEWSRADAR_DB"))
        self.max_depth = settings.getint("NEWSRADAR_SITEMAP_DEPTH", 2)
        self.replaying = bool(settings.get("NEWSRADAR_REPLAY_WARC"))

    async def start(self) -> AsyncIterator[Request]:
        self._setup()
        for url in (*self.source.feeds, *self.source.sitemaps):
            yield self._listing_request(url, depth=0)

    def closed(self, reason: str) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    # -- listings -----------------------------------------------------------------
    def _listing_request(self, url: str, depth: int) -> Request:
        headers = {"Cache-Control": "max-age=0"}
        if not self.replaying:
            etag, last_modified = get_validators(self.db, url)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        return Request(
            url, callback=self.parse_listing, errback=self.on_error, headers=headers,
            meta={"handle_httpstatus_list": [304], "depth_listing": depth},
            cb_kwargs={"depth": depth}, dont_filter=True,
        )

    def parse_listing(self, response: Response, depth: int):
        self.counts["listings"] += 1
        if response.status == 304:
            self.counts["not_modified"] += 1
            return
        try:
            listing = parse_listing(response.body)
        except FeedError as exc:
            self._record_error(response.url, f"feed or sitemap unreadable: {exc}")
            return
        if not listing.entries:
            self._record_error(response.url, f"the {listing.kind} lists no entries")
        if not self.replaying:
            save_validators(
                self.db, response.url,
                _header(response, b"ETag"), _header(response, b"Last-Modified"),
            )
        for entry in listing.entries:
            if not is_followable(entry.url, self.allowed_hosts):
                logger.debug("%s: not following %s (not on the source's hosts)", self.source.name, entry.url)
                continue
            if listing.kind == "sitemapindex":
                if depth + 1 > self.max_depth:
                    logger.info("%s: sitemap index %s nests deeper than %d, not followed",
                                self.source.name, entry.url, self.max_depth)
                    continue
                yield self._listing_request(entry.url, depth + 1)
                continue
            url = canonicalize_url(entry.url, mobile_hosts=False)
            if not self.source.is_article_url(url):
                continue
            if known_url(self.db, url) or known_url(self.db, canonicalize_url(entry.url)):
                self.counts["skipped_known"] += 1
                continue
            yield Request(
                url, callback=self.parse_article, errback=self.on_error,
                cb_kwargs={"listed_url": entry.url, "entry_published": entry.published},
            )

    # -- articles -----------------------------------------------------------------
    def parse_article(self, response: Response, listed_url: str, entry_published: dt.datetime | None):
        self.counts["pages"] += 1
        if not isinstance(response, TextResponse):
            self._record_error(response.url, "the page is not HTML")
            return
        try:
            ex = extract_article(response.text, response.url, default_tz=self.source.timezone)
        except ExtractionError as exc:
            self._record_error(response.url, f"extraction failed: {exc}")
            return
        if not ex.is_article:
            self.counts["not_articles"] += 1
            logger.info("%s: %s is not an article: %s", self.source.name, response.url, ex.reason)
            return
        if not ex.title:
            self._record_error(response.url, "the page has no title")
            return
        canonical = canonicalize_url(ex.canonical_url or response.url)
        if ex.canonical_url and not is_followable(ex.canonical_url, self.allowed_hosts):
            # A canonical link to a foreign host is either syndication or spam: keep our URL.
            canonical = canonicalize_url(response.url)
        seen = {listed_url, response.url, canonicalize_url(response.url),
                canonicalize_url(listed_url), *(response.request.meta.get("redirect_urls") or [])}
        seen.discard(canonical)
        capture = response.meta.get("capture_time")
        yield ArticleItem(
            url=canonical,
            source=self.source.name,
            title=ex.title,
            body=ex.body or "",
            fetched_at=capture or dt.datetime.now(dt.timezone.utc),
            published=ex.published or entry_published,
            modified=ex.modified,
            authors=list(ex.authors or []),
            section=ex.section,
            language=ex.language or self.source.language,
            image=ex.image,
            summary=getattr(ex, "summary", None),
            extraction=ex.method,
            seen_urls=sorted(seen),
        )

    # -- errors -------------------------------------------------------------------
    def on_error(self, failure) -> None:
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = {403: "HTTP 403 (forbidden, perhaps a bot wall)",
                      404: "HTTP 404 (not found; moved or removed)"}.get(status, f"HTTP {status}")
        elif failure.check(TxTimeoutError, TCPTimedOutError) or "Timeout" in failure.type.__name__:
            reason = f"timed out ({failure.getErrorMessage()})"
        elif failure.check(DNSLookupError):
            reason = "host name not found"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self._record_error(request.url, reason)

    def _record_error(self, url: str, reason: str) -> None:
        logger.warning("%s: %s: %s", self.source.name, url, reason)
        self.errors.append({"url": url, "reason": reason})


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
