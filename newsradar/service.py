"""`newsradar run`: the long-lived service.

One asyncio process: an APScheduler AsyncIOScheduler starts each schedule.yaml job's
crawl as a subprocess (a Twisted reactor cannot restart in one process, and a
subprocess isolates crashes and memory), the outbox sender delivers alerts, and,
with a token, the python-telegram-bot Application polls for commands. The SQLite
file is the only link between the crawls and the sender.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import sys
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage import open_db

from .config import Config
from .schedule import CrawlJob

logger = logging.getLogger("newsradar.service")

CONNECT_HINT = (
    "No TELEGRAM_BOT_TOKEN is set, so alerts are printed here. To deliver them in Telegram, "
    "create a bot with @BotFather and start again with TELEGRAM_BOT_TOKEN=<its token>."
)


class CrawlLauncher:
    """Starts crawls as `newsradar crawl` subprocesses; never two of one source at once."""

    def __init__(self, config: Config, *, replay: Path | None = None, log_level: str = "WARNING"):
        self.config = config
        self.replay = replay
        self.log_level = log_level
        self.busy: set[str] = set()
        self.procs: set[asyncio.subprocess.Process] = set()
        self.tasks: set[asyncio.Task] = set()

    def command(self, sources: tuple[str, ...]) -> list[str]:
        cmd = [sys.executable, "-m", "newsradar", "--db", str(self.config.db_path),
               "--log-level", self.log_level, "crawl", *sources]
        if self.replay:
            cmd += ["--replay", str(self.replay)]
        return cmd

    async def run_job(self, job: CrawlJob) -> int | None:
        clash = self.busy.intersection(job.sources)
        if clash:
            logger.warning("job %s skipped: a crawl of %s is still running", job.name, ", ".join(sorted(clash)))
            return None
        self.busy.update(job.sources)
        task = asyncio.current_task()
        self.tasks.add(task)
        try:
            proc = await asyncio.create_subprocess_exec(*self.command(job.sources), env=os.environ.copy())
            self.procs.add(proc)
            try:
                return await asyncio.wait_for(proc.wait(), timeout=job.timeout.total_seconds())
            except asyncio.TimeoutError:
                logger.error("crawl job %s ran past its %s timeout and was stopped", job.name, job.timeout)
                await _stop_process(proc)
                return None
            finally:
                self.procs.discard(proc)
        finally:
            self.busy.difference_update(job.sources)
            self.tasks.discard(task)

    async def stop_all(self) -> None:
        """Stop running crawls cleanly and wait for their jobs to wind up."""
        await asyncio.gather(*(_stop_process(p) for p in list(self.procs)))
        await asyncio.gather(*list(self.tasks), return_exceptions=True)


async def _stop_process(proc: asyncio.subprocess.Process, grace: float = 20.0) -> None:
    """SIGTERM (Scrapy then closes its spiders cleanly), SIGKILL if it does not end."""
    if proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), timeout=grace)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()


async def serve(config: Config, jobs: list[CrawlJob], *, source_titles: dict[str, str],
                replay: Path | None = None, crawl_log_level: str = "WARNING") -> None:
    from bot.sender import ConsoleSender, TelegramSender, deliver_forever

    db = open_db(config.db_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    launcher = CrawlLauncher(config, replay=replay, log_level=crawl_log_level)
    scheduler = AsyncIOScheduler(event_loop=loop)
    now = dt.datetime.now(dt.timezone.utc)
    for job in jobs:
        scheduler.add_job(
            launcher.run_job, job.trigger(), args=[job], id=job.name, name=job.name,
            max_instances=1, coalesce=True, misfire_grace_time=None, next_run_time=now,
        )

    app = None
    if config.token:
        from bot.app import build_application, register_commands

        app = build_application(config, db)
        await app.initialize()
        await register_commands(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=10, drop_pending_updates=False)
        sender = TelegramSender(app.bot, db, source_titles=source_titles)
        me = app.bot.username
        logger.info("connected to Telegram as @%s", me)
        print(f"newsradar is running as @{me}; {len(jobs)} crawl job(s) scheduled. Ctrl-C stops it.", flush=True)
    else:
        sender = ConsoleSender(db, write=lambda text: print(text, flush=True))
        print(CONNECT_HINT, flush=True)
        print(f"newsradar is running; {len(jobs)} crawl job(s) scheduled. Ctrl-C stops it.", flush=True)

    scheduler.start()
    try:
        await deliver_forever(sender, stop)
    finally:
        logger.info("stopping: no new crawls, finishing sends, stopping crawls")
        scheduler.pause()
        await launcher.stop_all()
        scheduler.shutdown(wait=False)
        if app is not None:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
        db.close()
