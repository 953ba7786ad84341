"""`newsradar run`: the long-lived service.

One asyncio process: an APScheduler AsyncIOScheduler starts each schedule.yaml job's
crawl as a subprocess (a Twisted reactor cannot restart in one process, and a
subprocess isolates crashes and memory), the outbox sender delivers alerts, and,
with a token, the python-telegram-bot Application polls for commands. The SQLite
file is the only link between the crawls and the sender.

Life cycle:
- start: crawl runs left 'running' by a killed process are swept; each job's first run
  is now if a slot was missed while the service was down (all missed slots coalesce into
  one run), else its next slot.
- due sources are batched: when a job fires, the sources of other jobs due within the
  schedule's `batch` window join the same crawl process (start-up costs ~1.5 s of CPU).
- SIGHUP, or an edit of schedule.yaml, reloads the schedule; a bad edit keeps the last
  good one running, logged and told to admins once.
- SIGTERM/SIGINT: no new crawls, running sends finish, crawls get SIGTERM (Scrapy's own
  clean shutdown) and SIGKILL after a grace period; the process exits within 30 s.
"""
from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import hashlib
import json
import logging
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage import StorageError, iso_utc, open_db, utcnow, write
from storage.notices import add_notice

from .config import Config
from .errors import NewsradarError
from .schedule import CrawlJob, Schedule, UpkeepJob, parse_schedule_file, read_schedule_text
from .upkeep import interrupt_runs

logger = logging.getLogger("newsradar.service")

CONNECT_HINT = (
    "No TELEGRAM_BOT_TOKEN is set, so alerts are printed here. To deliver them in Telegram, "
    "create a bot with @BotFather and start again with TELEGRAM_BOT_TOKEN=<its token>."
)
CRAWL_GRACE = 15.0        # seconds a crawl gets to close its spiders after SIGTERM
SEND_GRACE = 10.0         # seconds running sends get to finish at shutdown
WATCH_INTERVAL = 2.0      # how often schedule.yaml's modification time is looked at
COLLECT = 1.0             # seconds a firing job waits for others firing at the same moment


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the crawl gets SIGTERM if the service dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class LaunchError(NewsradarError):
    """A crawl started for the bot (/crawl, /backfill) failed; the message is one sentence."""


class Launcher:
    """What the service needs of a crawl launcher: start a crawl of sources, follow it to
    its end, stop it. `local` (CrawlLauncher, subprocesses) and `scrapyd` (ScrapydLauncher,
    Scrapyd nodes) share this bookkeeping: the sources being crawled now (never two crawls
    of one source at once), when each source last started, and the after-crawl hooks."""

    def __init__(self, config: Config, *, replay: Path | None = None, log_level: str = "WARNING"):
        self.config = config
        self.replay = replay
        self.log_level = log_level
        self.busy: set[str] = set()
        self.tasks: set[asyncio.Task] = set()
        self.last_started: dict[str, float] = {}      # source -> time.monotonic()
        self.after_crawl: list[Callable[[tuple[str, ...], int | None], object]] = []
        self.accepting = True
        self.batches = 0
        self.db = None  # when set, running crawls are remembered there (see recover_killed_crawls)

    async def run_job(self, job: CrawlJob) -> int | None:
        """Crawl one job's sources now; None if skipped or stopped."""
        return await self.run_sources(job.name, job.sources, job.timeout)

    async def run_sources(self, name: str, sources: tuple[str, ...] | list[str],
                          timeout: dt.timedelta) -> int | None:
        """Crawl ``sources`` now and wait for the end: 0 if every crawl ended, else non-zero;
        None if nothing was started (shutting down, or every source already being crawled)."""
        raise NotImplementedError

    async def launch(self, sources, since=None, until=None, progress=None) -> list[dict]:
        """The bot's /crawl and /backfill: one summary dict per source, or LaunchError."""
        raise NotImplementedError

    async def stop_all(self) -> None:
        """Stop running crawls cleanly and wait for their jobs to wind up."""
        raise NotImplementedError

    def recover_killed_crawls(self) -> int:
        """At start: account for crawls a previous service started and left behind."""
        return 0

    def recently_started(self, source: str, within: float) -> bool:
        started = self.last_started.get(source)
        return started is not None and time.monotonic() - started < within

    def _take(self, name: str, sources) -> tuple[str, ...]:
        """Mark ``sources`` busy and return them, less those another crawl is running."""
        if not self.accepting:
            logger.info("crawl skipped job=%s reason=shutting-down", name)
            return ()
        clash = self.busy.intersection(sources)
        if clash:
            logger.warning("crawl skipped job=%s reason=still-running sources=%s", name, ",".join(sorted(clash)))
        sources = tuple(s for s in sources if s not in clash)
        self.busy.update(sources)
        now = time.monotonic()
        for source in sources:
            self.last_started[source] = now
        if sources:
            self.batches += 1
        return sources

    async def _crawled(self, sources: tuple[str, ...], code: int | None) -> None:
        """Free ``sources`` and run the after-crawl hooks (health checks)."""
        self.busy.difference_update(sources)
        for hook in self.after_crawl:
            try:
                result = hook(sources, code)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                logger.exception("after-crawl hook failed")


class CrawlLauncher(Launcher):
    """The `local` launcher: crawls as `newsradar crawl` subprocesses of this service."""

    def __init__(self, config: Config, *, replay: Path | None = None, log_level: str = "WARNING"):
        super().__init__(config, replay=replay, log_level=log_level)
        self.procs: set[asyncio.subprocess.Process] = set()

    def command(self, sources: tuple[str, ...]) -> list[str]:
        cmd = [sys.executable, "-m", "newsradar", "--db", str(self.config.db_path),
               "--log-level", self.log_level, "crawl", *sources]
        if self.replay:
            cmd += ["--replay", str(self.replay)]
        return cmd

    async def run_sources(self, name: str, sources: tuple[str, ...] | list[str],
                          timeout: dt.timedelta) -> int | None:
        sources = self._take(name, sources)
        if not sources:
            return None
        now = time.monotonic()
        task = asyncio.current_task()
        self.tasks.add(task)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        code = None
        try:
            logger.info("crawl start job=%s sources=%s", name, ",".join(sources))
            proc = await asyncio.create_subprocess_exec(
                *self.command(sources), env=os.environ.copy(),
                start_new_session=True,        # Ctrl-C in a terminal reaches only the service
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
            self.procs.add(proc)
            self._remember(proc.pid, sources)
            try:
                code = await asyncio.wait_for(proc.wait(), timeout=timeout.total_seconds())
            except asyncio.TimeoutError:
                logger.error("crawl timeout job=%s limit=%s: stopped", name, timeout)
                await _stop_process(proc)
            finally:
                self.procs.discard(proc)
                self._forget(proc.pid, sources, ended=code is None or code != 0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            logger.info("crawl done job=%s sources=%d exit=%s seconds=%.1f cpu_s=%.2f children_peak_rss_mb=%.0f",
                        name, len(sources), code, time.monotonic() - now, cpu, after.ru_maxrss / 1024)
            return code
        finally:
            self.tasks.discard(task)
            await self._crawled(sources, code)

    async def launch(self, sources, since=None, until=None, progress=None) -> list[dict]:
        """The bot's /crawl and /backfill: `newsradar crawl SOURCES --json [--since D --until D]`.

        Each stderr line goes to ``progress``; returns one summary dict per source; a crawl
        that fails raises LaunchError with its one-sentence reason (e.g. an unknown option).
        """
        names = tuple(sources)
        clash = self.busy.intersection(names)
        if clash:
            raise LaunchError(f"A crawl of {', '.join(sorted(clash))} is already running; try again when it ends.")
        cmd = self.command(names) + ["--json"]
        cmd[cmd.index("--log-level") + 1] = "INFO"  # Scrapy's progress lines
        if since:
            cmd += ["--since", since.isoformat()]
        if until:
            cmd += ["--until", until.isoformat()]
        self.busy.update(names)
        last, proc = "", None
        try:
            proc = await asyncio.create_subprocess_exec(
                *cmd, env=os.environ.copy(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                start_new_session=True)
            self.procs.add(proc)

            async def follow() -> None:
                nonlocal last
                async for raw in proc.stderr:
                    line = raw.decode("utf-8", "replace").strip()
                    if line:
                        last = line
                        if progress is not None:
                            await progress(line)

            out, _ = await asyncio.gather(proc.stdout.read(), follow())
            code = await proc.wait()
        finally:
            self.busy.difference_update(names)
            if proc is not None:
                self.procs.discard(proc)
        if code != 0:
            raise LaunchError(last.removeprefix("Error: ") or f"the crawl stopped with exit status {code}.")
        try:
            return json.loads(out.decode("utf-8") or "[]")
        except ValueError:
            raise LaunchError("the crawl finished but did not report its summary.") from None

    def _remember(self, pid: int, sources: tuple[str, ...]) -> None:
        if self.db is None:
            return
        since = iso_utc(utcnow() - dt.timedelta(seconds=2))
        with write(self.db):
            self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                            [f"crawl_pid:{pid}", json.dumps({"sources": list(sources), "since": since})])

    def _forget(self, pid: int, sources: tuple[str, ...], *, ended: bool) -> None:
        if self.db is None:
            return
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [f"crawl_pid:{pid}"]).fetchone()
        if row is None:
            return
        if ended:  # killed or timed out: its spiders could not record the end of their runs
            interrupt_runs(self.db, sources, json.loads(row[0])["since"])
        with write(self.db):
            self.db.execute("DELETE FROM meta WHERE key = ?", [f"crawl_pid:{pid}"])

    def recover_killed_crawls(self) -> int:
        """After a crash: the runs of crawls this service started and that are gone are interrupted."""
        if self.db is None:
            return 0
        count = 0
        for key, value in self.db.execute("SELECT key, value FROM meta WHERE key LIKE 'crawl_pid:%'").fetchall():
            pid = int(key.split(":", 1)[1])
            if _is_crawl(pid):
                logger.warning("crawl pid=%d from before the restart is still running; leaving it", pid)
                continue
            entry = json.loads(value)
            count += interrupt_runs(self.db, entry["sources"], entry["since"])
            with write(self.db):
                self.db.execute("DELETE FROM meta WHERE key = ?", [key])
        return count

    async def stop_all(self) -> None:
        self.accepting = False
        await asyncio.gather(*(_stop_process(p) for p in list(self.procs)))
        current = asyncio.current_task()
        await asyncio.gather(*[t for t in self.tasks if t is not current], return_exceptions=True)


def make_launcher(config: Config, *, replay: Path | None = None, log_level: str = "WARNING",
                  known_sources: Callable[[], dict] | None = None) -> Launcher:
    """The launcher the configuration asks for: `local` subprocesses or Scrapyd nodes."""
    if config.crawl_launcher == "scrapyd":
        from .scrapyd import ScrapydLauncher

        logger.info("crawls run on Scrapyd nodes: %s", ", ".join(config.scrapyd_nodes))
        return ScrapydLauncher(config, replay=replay, log_level=log_level, known_sources=known_sources)
    return CrawlLauncher(config, replay=replay, log_level=log_level)


def _is_crawl(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc: assume the pid is still ours
    return b"newsradar" in cmdline and b"crawl" in cmdline


async def _stop_process(proc: asyncio.subprocess.Process, grace: float = CRAWL_GRACE) -> None:
    """SIGTERM (Scrapy then closes its spiders cleanly), SIGKILL if it does not end."""
    if proc.returncode is not None:
        return
    try:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), timeout=grace)
    except ProcessLookupError:
        return
    except asyncio.TimeoutError:
        logger.warning("crawl pid=%s did not stop within %.0fs; killing it", proc.pid, grace)
        proc.kill()
        await proc.wait()


class Service:
    """The scheduler side of `newsradar run`: jobs, batching, reloads, health and upkeep."""

    def __init__(self, config: Config, schedule: Schedule, *, launcher: Launcher, db,
                 schedule_path: Path | None = None, known_sources: Callable[[], dict] | None = None):
        self.config = config
        self.schedule = schedule
        self.launcher = launcher
        self.db = db
        self.schedule_path = schedule_path
        self.known_sources = known_sources
        self.scheduler: AsyncIOScheduler | None = None
        self.crawl_jobs: dict[str, CrawlJob] = {}
        self._last_text: str | None = None
        self._mtime: float | None = None
        self._pending: set[asyncio.Task] = set()
        self._batch: dict[str, CrawlJob] = {}
        self._flush_handle: asyncio.TimerHandle | None = None
        if schedule_path is not None:
            self._last_text = _safe_read(schedule_path)
            self._mtime = _mtime(schedule_path)
        launcher.after_crawl.append(self.after_crawl)

    # -- jobs ----------------------------------------------------------------------
    def install(self, scheduler: AsyncIOScheduler) -> None:
        """Put every job of the current schedule on ``scheduler`` (replacing what was there)."""
        from .upkeep import last_runs

        self.scheduler = scheduler
        for job in scheduler.get_jobs():
            job.remove()
        now = dt.datetime.now(dt.timezone.utc)
        seen = last_runs(self.db)
        self.crawl_jobs = {job.name: job for job in self.schedule.jobs}
        for job in self.schedule.jobs:
            times = [seen.get(s) for s in job.sources]
            last = None if any(t is None for t in times) else min(times)
            scheduler.add_job(self.fire, job.trigger(), args=[job.name], id=f"crawl:{job.name}", name=job.name,
                              max_instances=1, coalesce=True, misfire_grace_time=None,
                              next_run_time=job.first_run(last, now))
        up = self.schedule.upkeep
        scheduler.add_job(self.run_upkeep, up.trigger(), args=[up], id="upkeep", name="upkeep",
                          max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=up.first_run(seen.get("upkeep:upkeep"), now))

    def _window(self, job: CrawlJob, now: dt.datetime) -> float:
        """How early a job may be pulled into another's crawl: the batch window, but never
        more than half the job's own gap (so a job every 2 s still runs every 2 s)."""
        return min(self.schedule.batch.total_seconds(), job.gap(now).total_seconds() / 2)

    async def fire(self, name: str) -> None:
        """A crawl job's slot. Jobs firing within COLLECT seconds of each other, and jobs due
        within the batch window, are crawled together in one process."""
        job = self.crawl_jobs.get(name)
        if job is None:
            return
        now = dt.datetime.now(dt.timezone.utc)
        window = self._window(job, now)
        if all(self.launcher.recently_started(s, window) for s in job.sources):
            logger.debug("crawl slot job=%s: its sources were crawled early with another job", name)
            return
        self._batch[name] = job
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(COLLECT, self._flush)

    def _flush(self) -> None:
        batch, self._batch, self._flush_handle = self._batch, {}, None
        now = dt.datetime.now(dt.timezone.utc)
        for other in self.scheduler.get_jobs() if self.scheduler else []:
            job = self.crawl_jobs.get(other.name)
            if job is None or other.name in batch or other.next_run_time is None:
                continue
            if (other.next_run_time - now).total_seconds() <= self._window(job, now):
                batch[other.name] = job  # due soon: pulled into this crawl, skipped at its own slot
        sources: list[str] = []
        for job in batch.values():
            sources += [s for s in job.sources if s not in sources]
        timeout = max(job.timeout for job in batch.values())
        task = asyncio.ensure_future(self.launcher.run_sources("+".join(batch), tuple(sources), timeout))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def after_crawl(self, sources: tuple[str, ...], code: int | None) -> None:
        self.check_health()

    def check_health(self) -> list[str]:
        from .health import notify_incidents, source_health

        names = sorted({s for job in self.schedule.jobs for s in job.sources})
        report = source_health(self.db, names, self.schedule.health)
        return notify_incidents(self.db, report, sorted(self.config.admins))

    async def run_upkeep(self, job: UpkeepJob) -> None:
        from .upkeep import run_upkeep, sweep_stale_runs

        def work() -> dict:
            db = open_db(self.config.db_path)  # its own connection: this runs in a thread
            try:
                report = run_upkeep(db, retention=job.retention, keep_metadata=job.keep_metadata,
                                    backup_to=job.backup)
                sweep_stale_runs(db, older_than=self.stale_after())
                return report
            finally:
                db.close()

        try:
            await asyncio.to_thread(work)
        except (NewsradarError, StorageError) as exc:
            logger.error("upkeep failed: %s", exc)
            self.notify(f"newsradar: upkeep failed: {exc}", key=f"upkeep-failed:{dt.date.today()}")
        self.check_health()

    def stale_after(self) -> dt.timedelta:
        longest = max(job.timeout for job in self.schedule.jobs)
        return longest + dt.timedelta(seconds=CRAWL_GRACE + 60)

    # -- reloading -----------------------------------------------------------------
    def file_changed(self) -> bool:
        if self.schedule_path is None:
            return False
        mtime = _mtime(self.schedule_path)
        if mtime != self._mtime:
            self._mtime = mtime
            return True
        return False

    def reload(self, *, force: bool = False) -> bool:
        """Read schedule.yaml again; on an error keep the last good schedule and tell admins.
        Without ``force`` an unchanged file is not parsed again."""
        if self.schedule_path is None:
            logger.info("reload asked but the schedule did not come from a file")
            return False
        text = _safe_read(self.schedule_path)
        if text is not None and text == self._last_text and not force:
            return False
        self._last_text = text
        try:
            if text is None:
                read_schedule_text(self.schedule_path)  # raises the one-sentence error
            known = self.known_sources() if self.known_sources else {s for j in self.schedule.jobs for s in j.sources}
            schedule = parse_schedule_file(text, known, origin=str(self.schedule_path))
        except Exception as exc:  # ScheduleError, or the sources file it depends on
            message = str(exc)
            logger.error("schedule reload failed, keeping the last good schedule: %s", message)
            digest = hashlib.sha1((text or message).encode()).hexdigest()[:12]
            self.notify(f"newsradar: schedule.yaml was not reloaded: {message} The last good schedule keeps running.",
                        key=f"schedule-error:{digest}")
            return False
        self.schedule = schedule
        if self.scheduler is not None:
            self.install(self.scheduler)
        logger.info("schedule reloaded jobs=%d file=%s", len(schedule.jobs), self.schedule_path)
        return True

    def notify(self, text: str, *, key: str) -> None:
        if self.config.admins:
            add_notice(self.db, sorted(self.config.admins), text, key=key)

    async def watch(self, stop: asyncio.Event, hup: asyncio.Event) -> None:
        """Reload on SIGHUP or when schedule.yaml changes, until ``stop``."""
        while not stop.is_set():
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(hup.wait())]
            done, pending = await asyncio.wait(waiters, timeout=WATCH_INTERVAL, return_when=asyncio.FIRST_COMPLETED)
            for w in pending:
                w.cancel()
            if stop.is_set():
                return
            if hup.is_set():
                hup.clear()
                logger.info("SIGHUP: reloading %s", self.schedule_path)
                self._mtime = _mtime(self.schedule_path) if self.schedule_path else None
                self.reload(force=True)
            elif self.file_changed():
                self.reload()


def _mtime(path: Path) -> float | None:
    try:
        st = os.stat(path)
        return st.st_mtime_ns + st.st_size
    except OSError:
        return None


def _safe_read(path: Path) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return None


async def serve(config: Config, jobs: list[CrawlJob] | Schedule, *, source_titles: dict[str, str],
                replay: Path | None = None, crawl_log_level: str = "WARNING",
                schedule_path: Path | None = None, known_sources: Callable[[], dict] | None = None) -> None:
    from bot.sender import ConsoleSender, DeliveryPolicy, TelegramSender, deliver_forever

    from .schedule import DEFAULT_UPKEEP
    from .upkeep import sweep_stale_runs

    schedule = jobs if isinstance(jobs, Schedule) else Schedule(list(jobs), DEFAULT_UPKEEP)
    db = open_db(config.db_path)
    stop, hup = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, hup.set)

    launcher = make_launcher(config, replay=replay, log_level=crawl_log_level, known_sources=known_sources)
    service = Service(config, schedule, launcher=launcher, db=db, schedule_path=schedule_path,
                      known_sources=known_sources)
    launcher.db = db
    recovered = launcher.recover_killed_crawls()
    if recovered:
        logger.warning("start: %d crawl run(s) of a crawl killed with the service marked interrupted", recovered)
    swept = sweep_stale_runs(db, older_than=service.stale_after())
    if swept:
        logger.warning("start: %d crawl run(s) left running by a stopped process marked interrupted", swept)
    scheduler = AsyncIOScheduler(event_loop=loop)
    service.install(scheduler)

    app = None
    if config.token:
        from bot.app import build_application, register_commands

        app = build_application(config, db, source_titles=source_titles)
        app.bot_data["launcher"] = launcher
        app.bot_data["launch_crawl"] = launcher.launch
        await app.initialize()
        await register_commands(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=10, drop_pending_updates=False)
        sender = TelegramSender(app.bot, db, source_titles=source_titles, policy=DeliveryPolicy(
            lease=config.send_lease, backoff_base=config.retry_base.total_seconds(),
            backoff_max=config.retry_max.total_seconds()))
        me = app.bot.username
        logger.info("connected to Telegram as @%s", me)
        print(f"newsradar is running as @{me}; {len(schedule.jobs)} crawl job(s) scheduled. Ctrl-C stops it.", flush=True)
    else:
        sender = ConsoleSender(db, write=lambda text: print(text, flush=True))
        print(CONNECT_HINT, flush=True)
        print(f"newsradar is running; {len(schedule.jobs)} crawl job(s) scheduled. Ctrl-C stops it.", flush=True)

    scheduler.start()
    watcher = asyncio.ensure_future(service.watch(stop, hup))
    delivery = asyncio.ensure_future(deliver_forever(sender, stop))
    try:
        await stop.wait()
    finally:
        started = time.monotonic()
        logger.info("stopping: no new crawls, finishing sends, stopping crawls")
        stop.set()
        scheduler.pause()
        launcher.accepting = False
        if service._flush_handle is not None:
            service._flush_handle.cancel()

        async def finish_sends() -> None:
            _, late = await asyncio.wait([delivery], timeout=SEND_GRACE)
            for task in late:  # a paced batch still waiting: its unsent rows' leases expire, then resent
                task.cancel()

        await asyncio.gather(finish_sends(), launcher.stop_all(), watcher, *service._pending,
                             return_exceptions=True)
        scheduler.shutdown(wait=False)
        if app is not None:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
        db.close()
        logger.info("stopped seconds=%.1f", time.monotonic() - started)
