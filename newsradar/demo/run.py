"""`newsradar demo`: the whole pipeline, offline, on the bundled recorded news web."""
from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path

import click

import rules

from scrapers.crawl import build_settings, run_crawl
from scrapers.registry import load_sources
from storage import open_db
from storage.articles import count_articles
from storage.outbox import list_alerts
from storage.watchlists import add_watch

from ..logs import set_level
from .web import DEMO_WATCH, build_demo_web, write_warc

DEMO_CHAT = 1
DEMO_SOURCES = ("business-standard", "the-hindu", "japan-times")


def run_demo(keep: Path | None = None) -> int:
    """Replay the demo web through the real spiders; print the alert. Returns an exit status."""
    started = time.monotonic()
    set_level(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="newsradar-demo-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        warc = write_warc(build_demo_web(), folder / "demo-web.warc.gz")
        db_path = folder / "newsradar.db"
        db_path.unlink(missing_ok=True)
        db = open_db(db_path)
        add_watch(db, DEMO_CHAT, DEMO_WATCH, name="demo", chat_kind="cli")
        click.echo(f"Watching: {DEMO_WATCH}   (chat {DEMO_CHAT})")
        click.echo(f"Replaying the recorded news web in {warc.name} through the real spiders...")
        sources = load_sources()
        settings = build_settings(db_path, replay=warc, log_level="ERROR")
        summaries = run_crawl([sources[name] for name in DEMO_SOURCES], settings)
        for s in summaries:
            click.echo(f"  {sources[s.source].title}: {s.pages} pages, {s.articles_new} articles stored, "
                       f"{len(s.errors)} errors")
        stored = count_articles(db)
        from bot.sender import ConsoleSender

        click.echo("")
        delivered = asyncio.run(ConsoleSender(db, write=click.echo).deliver_once())
        click.echo("")
        click.echo(
            f"{stored} articles stored, {delivered} alert{'s' if delivered != 1 else ''} "
            f"for '{DEMO_WATCH}' in {time.monotonic() - started:.1f}s."
        )
        rule = rules.parse(DEMO_WATCH)
        older = sum(
            1 for a in db.query("SELECT title, body FROM articles WHERE id NOT IN (SELECT article_id FROM outbox)")
            if rule.matches(rules.Document(title=a["title"], body=a["body"]))
        )
        if older:
            click.echo(f"{older} older matching article(s) were stored but not alerted: "
                       "they fall outside the 72-hour freshness window.")
        if keep:
            click.echo(f"The database and WARC are kept in {folder}.")
        alerts = list_alerts(db)
        db.close()
        return 0 if len(alerts) == 1 else 1
