"""The item pipeline: store each article, place it in a story, alert per (chat, story).

Storing, clustering and queueing alerts happen in one BEGIN IMMEDIATE transaction, so
a crash can never leave a stored article whose alerts were not queued, and two crawl
processes storing two copies of one wire story cannot both start a story for it.
The fingerprint (the CPU-heavy part) is computed before the transaction starts.
"""
from __future__ import annotations

import datetime as dt
import logging

from scrapy import signals

from storage import iso, open_db, write
from storage.articles import content_hash, upsert_article
from storage.fingerprints import fingerprint
from storage.stories import assign_story, record_version, refresh_fingerprint
from storage.runs import finish_run, start_run

from .items import ArticleItem
from .watch import WatchIndex

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("NEWSRADAR_DB")
        self.freshness = dt.timedelta(seconds=settings.getfloat("NEWSRADAR_FRESHNESS"))
        self.counts = {"articles_new": 0, "articles_updated": 0, "alerts": 0}

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.on_spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.db = open_db(self.db_path)
        self.watches = WatchIndex(self.db)
        source = spider.source_ref if isinstance(spider.source_ref, str) else spider.source_ref.name
        self.run_id = start_run(self.db, source)
        spider.run_id = self.run_id

    def process_item(self, item: ArticleItem) -> ArticleItem:
        fp = fingerprint(item.title, item.body)
        seen_at = item.published or item.fetched_at
        with write(self.db):
            result = upsert_article(
                self.db,
                {
                    "url": item.url, "source": item.source, "title": item.title, "body": item.body,
                    "summary": item.summary, "published": item.published, "modified": item.modified,
                    "authors": item.authors, "section": item.section, "language": item.language,
                    "image": item.image, "extraction": item.extraction,
                },
                seen_urls=item.seen_urls,
            )
            if result.status == "unchanged":
                return item
            record_version(
                self.db, result.article_id, title=item.title or "",
                modified=iso(item.modified),
                content_hash=content_hash(item.title or "", item.body or ""),
            )
            fresh = self.is_fresh(item)
            if result.status == "new":
                self.counts["articles_new"] += 1
                join = assign_story(self.db, result.article_id, fp, seen_at=seen_at)
                if join.joined == "copy":
                    logger.info("%s: %s is a copy of article %s (%s)", item.source, item.url,
                                join.matched_article_id, join.similarity.describe())
                self.counts["alerts"] += self.watches.alert(
                    result.article_id, item, story_id=join.story_id, fresh=fresh)
            else:
                # An outlet changed its article: keep the story, index the new text, and
                # alert only chats with nothing yet for this story whose rules match now.
                self.counts["articles_updated"] += 1
                join = refresh_fingerprint(self.db, result.article_id, fp, seen_at=seen_at)
                self.counts["alerts"] += self.watches.alert(
                    result.article_id, item, story_id=join.story_id, fresh=fresh, fold=False)
            if not fresh:
                logger.info("%s: %s is older than the freshness window; stored, not alerted",
                            item.source, item.url)
        return item

    def is_fresh(self, item: ArticleItem) -> bool:
        if item.published is None:
            return True
        return item.published >= item.fetched_at - self.freshness

    def close_spider(self) -> None:
        # The run is finished in on_spider_closed, the first point where Scrapy
        # knows why the crawl ended (finished, shutdown on Ctrl-C/SIGTERM, a close limit).
        pass

    def on_spider_closed(self, spider, reason: str) -> None:
        errors = list(getattr(spider, "errors", []))
        pages = getattr(spider, "counts", {}).get("pages", 0)
        if reason != "finished":
            status = "interrupted"
        elif errors and pages == 0 and not self.counts["articles_new"]:
            status = "failed"
        else:
            status = "ok"
        finish_run(self.db, self.run_id, status=status, pages=pages, errors=errors, **self.counts)
        self.db.close()
