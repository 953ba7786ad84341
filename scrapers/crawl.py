"""Running a crawl of one or more sources in this process (one Scrapy process per call)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from storage import open_db
from storage.runs import list_runs

from . import settings as default_settings
from .registry import Source
from .spiders.news import NewsSpider
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
        WarcArchive(replay)  # fail early, in one sentence, on a missing or broken file
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


def run_crawl(sources: list[Source], settings: Settings) -> list[CrawlSummary]:
    """Crawl ``sources`` together in one Scrapy process and return one summary per source."""
    if not sources:
        raise CrawlError("No sources to crawl.")
    db = open_db(settings.get("NEWSRADAR_DB"))  # migrate before the spiders open it
    db.close()
    process = AsyncCrawlerProcess(settings)
    started = dt.datetime.now(dt.timezone.utc)
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        crawlers.append(crawler)
        process.crawl(crawler, source=source)
    process.start()
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
            summaries.append(CrawlSummary(
                source.name, run["status"], run["pages"], run["articles_new"],
                run["articles_updated"], run["alerts"], run["error_log"], seconds,
            ))
        return summaries
    finally:
        db.close()
