"""The news spider: from a source's feeds, news sitemaps and listing pages to articles.

One spider instance crawls one source. Listings are fetched with conditional GET
(304 means nothing new); links are followed only when they are http(s) on the
source's own hosts, look like its article URLs, and are not already stored, unless
the listing says the article changed since we fetched it.

In backfill mode (``since``/``until`` given) the spider walks the source's dated
archives for that range instead, newest first, skipping archives an earlier backfill
walked to the end and articles already stored; that makes a backfill resumable after
Ctrl-C or a crash.

Every failure is recorded in ``self.errors`` as {url, reason}; the pipeline writes
them to ``crawl_runs.error_log`` when the spider closes.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, AsyncIterator

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
    DownloadTimeoutError, IgnoreRequest,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError as TxTimeoutError

from storage import open_db
from storage.articles import known_url
from storage.runs import get_validators, save_validators

from ..extract import ExtractionError, decode_html, extract_article
from ..feeds import FeedError, Listing, parse_html_listing, parse_listing
from ..items import ArticleItem
from ..registry import Source, load_sources
from ..urls import canonicalize_url, is_followable
from storage import crawlstate as state

logger = logging.getLogger(__name__)

_HTTP_REASONS = {
    401: "HTTP 401 (authorisation required, perhaps a bot wall)",
    403: "HTTP 403 (forbidden, perhaps a bot wall)",
    404: "HTTP 404 (not found; moved or removed)",
    410: "HTTP 410 (gone)",
    429: "HTTP 429 (too many requests; the site is rate-limiting us)",
}
_BOT_WALL_MARKS = (b"cf-chl", b"Just a moment...", b"Access Denied", b"captcha", b"px-captcha",
                   b"Request unsuccessful. Incapsula")


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings: dict[str, Any] = {}

    def __init__(self, source: Source | str | None = None, *args: Any,
                 since: dt.date | str | None = None, until: dt.date | str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if source is None:
            raise ValueError("Say which source to crawl: scrapy crawl news -a source=NAME")
        self.source_ref = source
        self.since = _as_date(since)
        self.until = _as_date(until) or (dt.date.today() if self.since else None)
        self.errors: list[dict] = []
        self.counts = {"pages": 0, "listings": 0, "not_modified": 0, "not_articles": 0,
                       "skipped_known": 0, "refetched": 0, "robots_blocked": 0, "archives_skipped": 0}
        self._requested: set[str] = set()
        self._pending: dict[str, int] = {}     # archive URL -> article requests still out
        self._archive_articles: dict[str, int] = {}

    @property
    def backfill(self) -> bool:
        return self.since is not None

    # -- set-up -------------------------------------------------------------------
    def _setup(self) -> None:
        settings = self.crawler.settings
        if isinstance(self.source_ref, Source):
            self.source = self.source_ref
        else:
            sources = load_sources(settings.get("NEWSRADAR_SOURCES_FILE"))
            self.source = sources[self.source_ref]
        self.name = f"{self.name}:{self.source.name}"
        self.allowed_hosts = frozenset(d.lower() for d in self.source.allowed_domains)
        self.db = open_db(settings.get("NEWSRADAR_DB"))
        self.max_depth = settings.getint("NEWSRADAR_SITEMAP_DEPTH", 2)
        self.replaying = bool(settings.get("NEWSRADAR_REPLAY_WARC"))
        self.progress = settings.get("NEWSRADAR_PROGRESS")
        if self.progress is not None:
            self.crawler.signals.connect(self._item_stored, signal=signals.item_scraped)

    async def start(self) -> AsyncIterator[Request]:
        self._setup()
        if self.backfill:
            for request in self._archive_requests():
                yield request
            return
        for url in (*self.source.feeds, *self.source.sitemaps):
            yield self._listing_request(url, depth=0)
        for url in self.source.listings:
            yield self._listing_request(url, depth=0, html=True)

    def _archive_requests(self) -> list[Request]:
        today = dt.date.today()
        requests = []
        for archive in self.source.archives:
            for first, last in archive.periods(self.since, self.until):
                url = archive.url_for(first)
                if state.archive_done(self.db, self.source.name, url):
                    self.counts["archives_skipped"] += 1
                    continue
                # An archive whose period is not over yet may still grow: never call it done.
                final = last < today - dt.timedelta(days=1)
                requests.append(self._listing_request(url, depth=0, archive=url if final else ""))
        if self.progress is not None:
            self.progress.add_listings(len(requests))
        logger.info("%s: backfill %s..%s: %d archives to walk, %d walked before",
                    self.source.name, self.since, self.until, len(requests), self.counts["archives_skipped"])
        return requests

    def closed(self, reason: str) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    # -- listings -----------------------------------------------------------------
    def _listing_request(self, url: str, depth: int, *, html: bool = False, archive: str = "") -> Request:
        headers = {"Cache-Control": "max-age=0"}
        if not self.replaying and not self.backfill:
            etag, last_modified = get_validators(self.db, url)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        return Request(
            url, callback=self.parse_listing, errback=self.on_error, headers=headers,
            meta={"handle_httpstatus_list": [304], "listing": True, "archive": archive},
            cb_kwargs={"depth": depth, "html": html}, dont_filter=True,
        )

    def read_listing(self, response: Response, html: bool) -> Listing:
        """The entries of a feed, sitemap or listing page; per-site spiders override this."""
        if html:
            return parse_html_listing(response.body, response.url)
        return parse_listing(response.body)

    def parse_listing(self, response: Response, depth: int, html: bool = False):
        self.counts["listings"] += 1
        archive = response.meta.get("archive") or ""
        if response.status == 304:
            self.counts["not_modified"] += 1
            self._listing_finished(response)
            return
        try:
            listing = self.read_listing(response, html)
        except FeedError as exc:
            self._record_error(response.url, f"feed or sitemap unreadable: {exc}")
            self._listing_finished(response, complete=False)
            return
        if not listing.entries:
            self._record_error(response.url, f"the {listing.kind} lists no entries")
        if not self.replaying and not self.backfill:
            save_validators(
                self.db, response.url,
                _header(response, b"ETag"), _header(response, b"Last-Modified"),
            )
        if listing.kind == "sitemapindex":
            archive = ""  # only a sitemap's own entries are counted; an index is walked again on resume
        requests = []
        for entry in listing.entries:
            if not is_followable(entry.url, self.allowed_hosts):
                if not html:
                    logger.debug("%s: not following %s (not on the source's hosts)", self.source.name, entry.url)
                continue
            if listing.kind == "sitemapindex":
                if depth + 1 > self.max_depth:
                    logger.info("%s: sitemap index %s nests deeper than %d, not followed",
                                self.source.name, entry.url, self.max_depth)
                    continue
                requests.append(self._listing_request(entry.url, depth + 1))
                continue
            if self.backfill and not _within(entry, self.since, self.until):
                continue
            request = self._article_request(entry, archive)
            if request is not None:
                requests.append(request)
        if archive:
            self._pending[archive] = sum(1 for r in requests if r.meta.get("article"))
            self._archive_articles[archive] = self._pending[archive]
        if self.progress is not None:
            self.progress.add_pages(sum(1 for r in requests if r.meta.get("article")))
            self.progress.add_listings(sum(1 for r in requests if r.meta.get("listing")))
        yield from requests
        self._listing_finished(response, complete=True)

    def _article_request(self, entry, archive: str) -> Request | None:
        url = canonicalize_url(entry.url, mobile_hosts=False)
        if not self.source.is_article_url(url):
            return None
        if url in self._requested:
            return None
        article_id = known_url(self.db, url) or known_url(self.db, canonicalize_url(entry.url))
        if article_id is not None:
            if not self._listed_as_changed(article_id, url, entry.modified):
                self.counts["skipped_known"] += 1
                return None
            self.counts["refetched"] += 1
            logger.info("%s: %s changed since it was stored (listed %s); fetching it again",
                        self.source.name, url, entry.modified.isoformat())
        elif state.judged_before(self.db, url, entry.modified):
            self.counts["skipped_known"] += 1
            return None
        self._requested.add(url)
        return Request(
            url, callback=self.parse_article, errback=self.on_error, priority=1, dont_filter=True,
            meta={"article": True, "archive": archive},
            cb_kwargs={"listed_url": entry.url, "entry_published": entry.published,
                       "entry_modified": entry.modified},
        )

    def _listed_as_changed(self, article_id: int, url: str, listed: dt.datetime | None) -> bool:
        if listed is None:
            return False
        known = state.stored_version(self.db, article_id, url)
        return known is not None and listed > known

    def _listing_finished(self, response: Response, complete: bool = True) -> None:
        if self.progress is not None:
            self.progress.listing_done()
        archive = response.meta.get("archive")
        if archive and complete and self._pending.get(archive) == 0:
            self._mark_archive(archive)

    def _article_finished(self, request: Request) -> None:
        archive = request.meta.get("archive")
        if archive and archive in self._pending:
            self._pending[archive] -= 1
            if self._pending[archive] == 0:
                self._mark_archive(archive)

    def _mark_archive(self, archive: str) -> None:
        self._pending.pop(archive, None)
        state.mark_archive_done(self.db, self.source.name, archive, self._archive_articles.pop(archive, 0))

    # -- articles -----------------------------------------------------------------
    def parse_article(self, response: Response, listed_url: str, entry_published: dt.datetime | None,
                      entry_modified: dt.datetime | None = None):
        self.counts["pages"] += 1
        if self.progress is not None:
            self.progress.page_done()
        try:
            yield from self._article_items(response, listed_url, entry_published, entry_modified)
        finally:
            self._article_finished(response.request)

    def _article_items(self, response: Response, listed_url: str, entry_published, entry_modified):
        content_type = _header(response, b"Content-Type")
        try:
            text = decode_html(response.body, content_type)
            ex = extract_article(text, response.url, default_tz=self.source.timezone)
        except ExtractionError as exc:
            self._record_error(response.url, f"extraction failed: {exc}")
            return
        if not ex.is_article or entry_modified is not None:
            # Remember the version fetched, so neither a stored article nor a page that is
            # not one is fetched again until its listing shows a newer version.
            state.remember_version(self.db, canonicalize_url(response.url), entry_modified)
        if not ex.is_article and self._trusted_listing_page(ex, response.url):
            logger.info("%s: %s has no article markup; stored as a listed press release (%s)",
                        self.source.name, response.url, ex.reason)
        elif not ex.is_article:
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
        if entry_modified is not None and canonical != canonicalize_url(response.url):
            state.remember_version(self.db, canonical, entry_modified)
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

    def _trusted_listing_page(self, ex, url: str) -> bool:
        """Government press releases are short and carry no article markup; a source that
        vouches for its listed URLs (``listed_pages_are_articles``) has them stored anyway,
        unless the page is positively something else (a live blog, video or gallery)."""
        return (self.source.listed_pages_are_articles and self.source.is_article_url(canonicalize_url(url))
                and bool(ex.title) and len(ex.body or "") >= 150 and "no article markup" in ex.reason)

    def _item_stored(self, item, response, spider) -> None:
        if spider is self:
            self.progress.article_stored()

    # -- errors -------------------------------------------------------------------
    def on_error(self, failure) -> None:
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            self._on_robots_block(request)
        else:
            self._record_error(request.url, describe_failure(failure))
        if request.meta.get("listing"):
            if self.progress is not None:
                self.progress.listing_done()
        else:
            if self.progress is not None:
                self.progress.page_done()
            self._article_finished(request)

    def _on_robots_block(self, request: Request) -> None:
        self.counts["robots_blocked"] += 1
        if request.meta.get("listing"):
            # A feed or archive we were told to read is off limits: the source entry is wrong.
            self._record_error(request.url, "robots.txt disallows it, so it was not fetched")
        else:
            logger.info("%s: robots.txt disallows %s; not fetched", self.source.name, request.url)

    def _record_error(self, url: str, reason: str) -> None:
        logger.warning("%s: %s: %s", self.source.name, url, reason)
        self.errors.append({"url": url, "reason": reason})
        if self.progress is not None:
            self.progress.error()


def describe_failure(failure) -> str:
    """One phrase saying what went wrong with a request, for crawl_runs.error_log."""
    if failure.check(HttpError):
        response = failure.value.response
        reason = _HTTP_REASONS.get(response.status, f"HTTP {response.status}")
        if response.status in (401, 403, 429, 503) and any(m in response.body[:20000] for m in _BOT_WALL_MARKS):
            reason = f"HTTP {response.status} (a bot wall: the site serves a challenge page to crawlers)"
        return reason
    if failure.check(DownloadTimeoutError, TxTimeoutError, TCPTimedOutError) or "Timeout" in failure.type.__name__:
        return f"timed out ({failure.getErrorMessage()})"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "host name not found"
    if failure.check(DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(DownloadCancelledError) or "larger than" in failure.getErrorMessage():
        return f"response too large, download cancelled ({failure.getErrorMessage()})"
    if failure.check(IgnoreRequest):
        return f"not fetched: {failure.getErrorMessage()}"
    return f"{failure.type.__name__}: {failure.getErrorMessage()}"


def _within(entry, since: dt.date, until: dt.date) -> bool:
    """Whether a dated archive's entry falls in the range; undated entries are kept."""
    when = entry.published or entry.modified
    if when is None:
        return True
    return since <= when.date() <= until


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
