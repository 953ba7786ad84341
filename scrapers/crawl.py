"""Running a crawl of one or more sources in this process (one Scrapy process per call),
and fetching one page politely (same User-Agent, robots.txt, size cap and timeout)."""
from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from storage import open_db
from storage.runs import list_runs

from . import settings as default_settings
from .registry import Source
from .spiders import SPIDERS
from .warc import WarcArchive


class CrawlError(RuntimeError):
    """A crawl that could not be started, in one sentence."""


@dataclass
class CrawlSummary:
    source: str
    status: str
    pages: int
    articles_new: int
    articles_updated: int
    alerts: int
    errors: list[dict]
    seconds: float


def build_settings(
    db_path: str | Path, *, replay: str | Path | None = None, record: str | Path | None = None,
    freshness: dt.timedelta | None = None, sources_file: str | Path | None = None,
    log_level: str = "INFO", overrides: dict | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("NEWSRADAR_DB", str(db_path))
    if replay:
        WarcArchive.shared(replay)  # fail early, in one sentence, on a missing or broken file
        settings.set("NEWSRADAR_REPLAY_WARC", str(replay))
        # Nothing to be polite to in a replay: serve it as fast as it is read.
        settings.set("AUTOTHROTTLE_ENABLED", False)
        settings.set("DOWNLOAD_DELAY", 0)
    if record:
        settings.set("NEWSRADAR_RECORD_WARC", str(record))
    if freshness is not None:
        settings.set("NEWSRADAR_FRESHNESS", freshness.total_seconds())
    if sources_file:
        settings.set("NEWSRADAR_SOURCES_FILE", str(sources_file))
    settings.set("LOG_LEVEL", log_level)
    for key, value in (overrides or {}).items():
        settings.set(key, value)
    return settings


def run_crawl(
    sources: list[Source], settings: Settings, *, since: dt.date | None = None,
    until: dt.date | None = None, progress=None,
) -> list[CrawlSummary]:
    """Crawl ``sources`` together in one Scrapy process and return one summary per source.

    With ``since`` (and optionally ``until``, default today) each source's dated
    archives for that range are walked instead of its feeds: a backfill. ``progress``
    (a ``scrapers.backfill.Progress``) is told about every listing, page and article.
    """
    if not sources:
        raise CrawlError("No sources to crawl.")
    for source in sources:
        if source.spider not in SPIDERS:
            raise CrawlError(
                f"Source {source.name!r} names the spider {source.spider!r}, which newsradar does not have; "
                f"known spiders are: {', '.join(sorted(SPIDERS))}."
            )
    db = open_db(settings.get("NEWSRADAR_DB"))  # migrate before the spiders open it
    db.close()
    if progress is not None:
        settings = settings.copy()
        settings.set("NEWSRADAR_PROGRESS", progress)
    process = AsyncCrawlerProcess(settings)
    started = dt.datetime.now(dt.timezone.utc)
    crawlers = []
    window = {"since": since, "until": until} if since else {}
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source.spider])
        crawlers.append(crawler)
        process.crawl(crawler, source=source, **window)
    process.start()
    if progress is not None:
        progress.finish()
    seconds = (dt.datetime.now(dt.timezone.utc) - started).total_seconds()
    db = open_db(settings.get("NEWSRADAR_DB"))
    try:
        summaries = []
        for crawler, source in zip(crawlers, sources):
            run_id = getattr(crawler.spider, "run_id", None) if crawler.spider else None
            run = next((r for r in list_runs(db, source=source.name, limit=5) if r["id"] == run_id), None)
            if run is None:
                summaries.append(CrawlSummary(source.name, "failed", 0, 0, 0, 0,
                                              [{"url": "", "reason": "the spider did not start"}], seconds))
                continue
            # run["status"] is "interrupted" after Ctrl-C, SIGTERM or a CLOSESPIDER_* limit.
            summaries.append(CrawlSummary(
                source.name, run["status"], run["pages"], run["articles_new"],
                run["articles_updated"], run["alerts"], run["error_log"], seconds,
            ))
        return summaries
    finally:
        db.close()


@dataclass
class FetchedPage:
    url: str              # after redirects
    status: int
    content_type: str | None
    body: bytes


def fetch_page(url: str, *, user_agent: str, timeout: float = 20, maxsize: int = 8 * 1024 * 1024) -> FetchedPage:
    """Fetch one page as the crawler would: our User-Agent, robots.txt obeyed, size capped.

    Raises CrawlError, in one sentence, when robots.txt disallows the URL, the page
    cannot be fetched, answers with an HTTP error, or is larger than ``maxsize``.
    """
    from protego import Protego

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CrawlError(f"{url!r} is not an http(s) URL.")
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        robots = _get(robots_url, user_agent, timeout, 512 * 1024).body.decode("utf-8", "replace")
    except CrawlError:
        robots = ""  # no robots.txt (or none readable): everything is allowed, as Scrapy does
    if robots and not Protego.parse(robots).can_fetch(url, user_agent):
        raise CrawlError(f"robots.txt of {parts.netloc} disallows {url} for newsradar, so it was not fetched.")
    page = _get(url, user_agent, timeout, maxsize)
    if page.status >= 400:
        raise CrawlError(f"{url} answered HTTP {page.status}; there is no page to extract.")
    return page


def _get(url: str, user_agent: str, timeout: float, maxsize: int) -> FetchedPage:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (http(s) checked above)
            body = resp.read(maxsize + 1)
            status, final, ctype = resp.status, resp.geturl(), resp.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        return FetchedPage(url, exc.code, exc.headers.get("Content-Type") if exc.headers else None, b"")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CrawlError(f"Cannot fetch {url}: {reason}.") from None
    if len(body) > maxsize:
        raise CrawlError(f"{url} is larger than {maxsize} bytes (DOWNLOAD_MAXSIZE); not extracted.")
    return FetchedPage(final, status, ctype, body)
