"""Crawling on Scrapyd nodes: the project egg, a client for Scrapyd's JSON API, and the
`scrapyd` crawl launcher.

Scrapyd (Scrapy's own deployment and job service) runs `scrapy crawl` for us on each
node. `newsradar deploy` uploads the project egg to every node (`addversion.json`); the
launcher then, for each due source, picks the least busy node (`daemonstatus.json`:
pending + running), schedules the source's spider there (`schedule.json`, project
``newsradar``, spider argument ``source=NAME``, the database and replay WARC as Scrapy
settings), and follows the job to its end (`listjobs.json`).

The database is the only link between a job and the service: Scrapyd does not say how a
crawl ended, so the source's crawl run (crawl_runs, written by the spider's pipeline) is
the verdict. A node that stops answering, or a job that vanishes from its node, is a
lost crawl: its run is marked interrupted, the admins are told, and the source is crawled
again on another node. The articles the lost crawl stored stay stored, and the spider
skips stored URLs, so the second crawl alerts nothing twice.

Job ids carry the source (``nr-SOURCE-RANDOM``), so a restarted service finds the crawls
its predecessor left running on the nodes and does not start a second one of a source.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path
from typing import Callable

from storage import iso_utc, utcnow
from storage.notices import add_notice
from storage.runs import list_runs

from .config import Config
from .errors import NewsradarError
from .service import CRAWL_GRACE, Launcher, LaunchError
from .upkeep import interrupt_runs

logger = logging.getLogger("newsradar.scrapyd")

PROJECT = "newsradar"
# What goes into the egg: the installable packages (pyproject's packages.find) and their data.
EGG_PACKAGES = ("newsradar", "scrapers", "storage", "rules", "bot")
EGG_DATA = (".py", ".yaml", ".txt", ".html", ".xml", ".json", ".service")
POLL = 1.0            # seconds between listjobs.json rounds while crawls run
DEAD_AFTER = 2        # failed calls in a row before a node counts as dead
ATTEMPTS = 2          # crawls of one source per batch: the first and one retry elsewhere
JOB_PREFIX = "nr-"


class ScrapydError(NewsradarError):
    """A Scrapyd node refused or failed a request; the message is one sentence, ``reason``
    its cause in a few words (for messages that already name the node)."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message.rstrip(".")


class NodeDown(ScrapydError):
    """A Scrapyd node did not answer at all (connection refused, timeout, not Scrapyd)."""


# -- the egg ------------------------------------------------------------------------
def build_egg(version: str) -> bytes:
    """The project egg Scrapyd runs: our packages (with their data files) and the
    ``[scrapy] settings`` entry point naming scrapers.settings, as a zip in memory.

    Built directly rather than by ``setup.py bdist_egg`` (what scrapyd-deploy runs):
    the project has no setup.py, and this needs no build step or temporary files.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as egg:
        for package in EGG_PACKAGES:
            spec = util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise ScrapydError(f"The package {package!r} cannot be found, so the egg cannot be built; "
                                   "install newsradar (pip install -e .) first.")
            root = Path(list(spec.submodule_search_locations)[0])
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix in EGG_DATA and "__pycache__" not in path.parts:
                    egg.write(path, f"{package}/{path.relative_to(root).as_posix()}")
        egg.writestr("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: {PROJECT}\nVersion: {version}\n")
        egg.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = scrapers.settings\n")
        egg.writestr("EGG-INFO/top_level.txt", "\n".join(EGG_PACKAGES) + "\n")
        egg.writestr("EGG-INFO/zip-safe", "\n")
    return out.getvalue()


def egg_version() -> str:
    """The upload time in seconds, as scrapyd-deploy does: Scrapyd runs the newest version
    of a project, and it sorts versions as PEP 440 ones (after turning dots into '_', so a
    plain number is the one form that survives)."""
    return str(int(time.time()))


# -- one node -------------------------------------------------------------------------
@dataclass
class Node:
    """One Scrapyd server, spoken to over its JSON API (blocking calls; the launcher runs
    them in threads)."""

    url: str
    timeout: float = 10.0
    failures: int = 0                       # calls failed in a row

    def status(self) -> dict:
        return self._call("GET", "daemonstatus.json")

    def load(self) -> int:
        data = self.status()
        return int(data.get("pending", 0)) + int(data.get("running", 0))

    def schedule(self, spider: str, *, jobid: str, settings: dict[str, str], args: dict[str, str],
                 project: str = PROJECT) -> str:
        fields = [("project", project), ("spider", spider), ("jobid", jobid)]
        fields += [("setting", f"{k}={v}") for k, v in settings.items()]
        fields += list(args.items())
        return self._call("POST", "schedule.json", fields)["jobid"]

    def jobs(self, project: str = PROJECT) -> dict[str, list[dict]]:
        data = self._call("GET", "listjobs.json", [("project", project)])
        return {state: data.get(state, []) for state in ("pending", "running", "finished")}

    def cancel(self, jobid: str, *, signal: str = "TERM", project: str = PROJECT) -> str | None:
        return self._call("POST", "cancel.json", [("project", project), ("job", jobid), ("signal", signal)]).get(
            "prevstate")

    def spiders(self, project: str = PROJECT) -> list[str]:
        return self._call("GET", "listspiders.json", [("project", project)])["spiders"]

    def add_version(self, egg: bytes, version: str, project: str = PROJECT) -> dict:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in (("project", project), ("version", version)):
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="{project}.egg"\r\n'
                   "Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(egg)
        body.write(f"\r\n--{boundary}--\r\n".encode())
        return self._call("POST", "addversion.json", raw=body.getvalue(),
                          content_type=f"multipart/form-data; boundary={boundary}", timeout=120)

    def _call(self, method: str, endpoint: str, fields: list[tuple[str, str]] | None = None, *,
              raw: bytes | None = None, content_type: str | None = None, timeout: float | None = None) -> dict:
        url = f"{self.url}/{endpoint}"
        data = raw
        query = urllib.parse.urlencode(fields or [])
        if method == "GET" and query:
            url += "?" + query
        elif method == "POST" and raw is None:
            data, content_type = query.encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as resp:  # noqa: S310
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            raise ScrapydError(f"Scrapyd at {self.url} answered {endpoint} with HTTP {exc.code}.",
                               f"HTTP {exc.code} from {endpoint}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc))
            raise NodeDown(f"Scrapyd at {self.url} does not answer ({reason}).", reason) from None
        try:
            answer = json.loads(payload)
        except ValueError:
            raise NodeDown(f"{self.url} answered {endpoint} with something other than Scrapyd's JSON.",
                           f"not Scrapyd's JSON from {endpoint}") from None
        if answer.get("status") != "ok":
            message = str(answer.get("message") or "no reason given").strip().rstrip(".")
            raise ScrapydError(f"Scrapyd at {self.url} refused {endpoint}: {message}.")
        return answer


def deploy(nodes: list[str], *, version: str | None = None, egg: bytes | None = None) -> list[dict]:
    """Upload the project egg to every node: one {node, version, spiders} or {node, error} each."""
    version = version or egg_version()
    egg = egg if egg is not None else build_egg(version)
    results = []
    for url in nodes:
        try:
            answer = Node(url).add_version(egg, version)
            results.append({"node": url, "version": version, "spiders": int(answer.get("spiders", 0))})
        except ScrapydError as exc:
            results.append({"node": url, "version": version, "error": str(exc)})
    return results


# -- the launcher -----------------------------------------------------------------------
def job_id(source: str) -> str:
    return f"{JOB_PREFIX}{_slug(source)}-{uuid.uuid4().hex[:12]}"


def _slug(source: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", source)


def source_of_job(jobid: str, known: set[str] | dict) -> str | None:
    """The source a job id made by ``job_id`` crawls, if it is one of ``known``."""
    if not jobid.startswith(JOB_PREFIX) or "-" not in jobid[len(JOB_PREFIX):]:
        return None
    slug = jobid[len(JOB_PREFIX):].rsplit("-", 1)[0]
    return next((s for s in known if _slug(s) == slug), None)


def database_setting(config: Config) -> str:
    """What the crawl on a node opens: a database URL (PostgreSQL) as given, or the SQLite
    file's absolute path (a node's working directory is not ours)."""
    where = config.db_path
    if isinstance(where, str) and "://" in where:
        return where
    return str(Path(where).resolve())


@dataclass
class Crawl:
    """One source's job on one node, followed to its end."""

    source: str
    node: Node
    jobid: str
    since: str                  # crawl_runs.started_at lower bound for this job's run
    attempt: int = 1
    tried: tuple[str, ...] = ()
    state: str = "pending"      # pending, running, then done
    run: dict | None = None     # the crawl run that settled it
    lost: str | None = None     # why the node lost it, when it did
    signals: set = field(default_factory=set)  # sent through cancel.json (Scrapy forces a 2nd TERM)


class ScrapydLauncher(Launcher):
    """The `scrapyd` launcher: each due source becomes a job on the least busy node."""

    def __init__(self, config: Config, nodes: list[str] | tuple[str, ...] | None = None, *,
                 replay: Path | None = None, log_level: str = "WARNING",
                 known_sources: Callable[[], dict] | None = None, poll: float = POLL):
        super().__init__(config, replay=replay, log_level=log_level)
        urls = list(nodes or config.scrapyd_nodes)
        if not urls:
            raise ScrapydError("The scrapyd launcher needs at least one node; set NEWSRADAR_SCRAPYD_NODES.")
        self.nodes = [Node(url) for url in urls]
        if urllib.parse.urlsplit(database_setting(config)).password:
            logger.warning("the database URL carries a password, and Scrapyd shows job settings to anyone who "
                           "can reach it (listjobs.json, its logs): give the nodes PGPASSWORD or ~/.pgpass "
                           "instead and leave the password out of NEWSRADAR_DB")
        self.known_sources = known_sources
        self.poll = poll
        self.running: dict[str, Crawl] = {}     # jobid -> crawl, on every node
        self.adopted: set[asyncio.Task] = set()

    # -- what a job gets ------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """The Scrapy settings of every job (-s on the node): what `newsradar crawl` would set."""
        cfg = self.config
        settings = {
            "NEWSRADAR_DB": database_setting(cfg),
            "NEWSRADAR_FRESHNESS": str(cfg.freshness.total_seconds()),
            "LOG_LEVEL": self.log_level,
            "LOG_INSTALL_ROOT_HANDLER": "True",   # Scrapyd keeps each job's log file
        }
        if cfg.sources_file:
            settings["NEWSRADAR_SOURCES_FILE"] = str(Path(cfg.sources_file).resolve())
        if cfg.contact_url:
            settings["USER_AGENT"] = f"newsradar/0.1 (+{cfg.contact_url})"
        if self.replay:
            settings.update({"NEWSRADAR_REPLAY_WARC": str(Path(self.replay).resolve()),
                             "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"})
        return settings

    def spiders_for(self, sources: list[str]) -> dict[str, str]:
        """The spider each source names in the registry (`news` unless it has its own)."""
        known = self.known_sources() if self.known_sources else {}
        return {s: getattr(known.get(s), "spider", None) or "news" for s in sources}

    # -- placing jobs ------------------------------------------------------------------------
    async def _loads(self, nodes: list[Node]) -> dict[str, int]:
        """Pending + running jobs of each node that answers."""
        async def one(node: Node):
            try:
                load = await asyncio.to_thread(node.load)
            except ScrapydError as exc:
                node.failures += 1
                logger.warning("scrapyd node=%s not usable: %s", node.url, exc)
                return node.url, None
            node.failures = 0
            return node.url, load

        return {url: load for url, load in await asyncio.gather(*(one(n) for n in nodes)) if load is not None}

    async def _place(self, sources: list[str], *, avoid: set[str] = frozenset(), args: dict | None = None,
                     attempt: int = 1, tried: tuple[str, ...] = ()) -> tuple[list[Crawl], list[str]]:
        """Schedule one job per source, each on the least busy node that answers (counting
        the jobs placed in this call). Returns the crawls and the sources no node took."""
        candidates = [n for n in self.nodes if n.url not in avoid]
        loads = await self._loads(candidates)
        crawls: list[Crawl] = []
        unplaced: list[str] = []
        settings = self.settings()
        spiders = self.spiders_for(sources)
        for source in sources:
            if not self.accepting:   # shutting down: place nothing more
                unplaced.append(source)
                continue
            while loads:
                url = min(loads, key=lambda u: (loads[u], [n.url for n in self.nodes].index(u)))
                node = next(n for n in self.nodes if n.url == url)
                since = iso_utc(utcnow() - dt.timedelta(seconds=2))
                jobid = job_id(source)
                try:
                    await asyncio.to_thread(node.schedule, spiders[source], jobid=jobid,
                                            settings=settings, args={"source": source, **(args or {})})
                except ScrapydError as exc:
                    logger.warning("scrapyd node=%s could not take source=%s: %s", url, source, exc)
                    del loads[url]
                    continue
                loads[url] += 1
                crawl = Crawl(source, node, jobid, since, attempt=attempt, tried=(*tried, url))
                self.running[jobid] = crawl
                crawls.append(crawl)
                logger.info("crawl scheduled source=%s node=%s job=%s attempt=%d", source, url, jobid, attempt)
                break
            else:
                unplaced.append(source)
        return crawls, unplaced

    # -- following jobs ---------------------------------------------------------------------
    async def _follow(self, crawls: list[Crawl], timeout: dt.timedelta, progress=None) -> list[Crawl]:
        """Poll the nodes until every crawl (and every retry of a lost one) has ended."""
        deadline = time.monotonic() + timeout.total_seconds()
        live = {c.jobid: c for c in crawls}
        ended: list[Crawl] = []
        stopped_at: float | None = None
        while live:
            if stopped_at is None and (time.monotonic() > deadline or not self.accepting):
                if self.accepting:
                    logger.error("crawl timeout limit=%s: stopping %d job(s)", timeout, len(live))
                stopped_at = time.monotonic()
                await self._cancel(list(live.values()), "TERM")
            elif stopped_at is not None and time.monotonic() - stopped_at > CRAWL_GRACE:
                await self._cancel(list(live.values()), "KILL")
                stopped_at = float("inf")
            lost_by_node: dict[str, list[Crawl]] = {}
            for node in {c.node.url: c.node for c in live.values()}.values():
                mine = [c for c in live.values() if c.node is node]
                try:
                    jobs = await asyncio.to_thread(node.jobs)
                except ScrapydError as exc:
                    node.failures += 1
                    if node.failures < DEAD_AFTER:
                        continue
                    for crawl in mine:
                        crawl.lost = f"stopped answering ({exc.reason})"
                    lost_by_node[node.url] = mine
                    continue
                node.failures = 0
                states = {job["id"]: state for state, listed in jobs.items() for job in listed}
                for crawl in mine:
                    state = states.get(crawl.jobid)
                    if state in ("pending", "running"):
                        if state != crawl.state and progress is not None:
                            await progress(f"{crawl.source}: {state} on {node.url}")
                        crawl.state = state
                        continue
                    crawl.run = self._run_of(crawl)
                    if state is None and (crawl.run is None or crawl.run["status"] == "running"):
                        crawl.lost = "lost the job (it is no longer listed)"
                        lost_by_node.setdefault(node.url, []).append(crawl)
                        continue
                    crawl.state = "done"
                    if crawl.run is None or crawl.run["status"] == "running":
                        # The process ended without closing its spider (a crash or a kill).
                        interrupt_runs(self.db, [crawl.source], crawl.since)
                        crawl.run = self._run_of(crawl)
                    ended.append(live.pop(crawl.jobid))
                    self.running.pop(crawl.jobid, None)
                    logger.info("crawl done source=%s node=%s status=%s", crawl.source, node.url,
                                crawl.run["status"] if crawl.run else "missing")
            for url, lost in lost_by_node.items():
                for crawl in lost:
                    live.pop(crawl.jobid, None)
                    self.running.pop(crawl.jobid, None)
                retried = await self._retry(url, lost, stopped_at is None)
                for crawl in retried:
                    live[crawl.jobid] = crawl
                again = {c.source for c in retried}
                ended += [c for c in lost if c.source not in again]  # their retry ends for them
            if live:
                await asyncio.sleep(self.poll)
        return ended

    async def _retry(self, url: str, lost: list[Crawl], allowed: bool) -> list[Crawl]:
        """Interrupt the lost crawls' runs, crawl their sources again on another node, tell admins."""
        for crawl in lost:
            interrupt_runs(self.db, [crawl.source], crawl.since)
            crawl.run = self._run_of(crawl)
            crawl.state = "done"
        again = [c for c in lost if allowed and self.accepting and c.attempt < ATTEMPTS]
        placed: list[Crawl] = []
        unplaced: list[str] = []
        if again:
            avoid = {url, *(t for c in again for t in c.tried)}
            placed, unplaced = await self._place([c.source for c in again], avoid=avoid,
                                                 attempt=max(c.attempt for c in again) + 1,
                                                 tried=tuple(sorted(avoid)))
        names = ", ".join(c.source for c in lost)
        why = lost[0].lost
        if placed:
            where = ", ".join(sorted({c.node.url for c in placed}))
            outcome = f"crawling {', '.join(c.source for c in placed)} again on {where}"
            if unplaced:
                outcome += f"; no other node took {', '.join(unplaced)}, so those runs failed"
        elif again:
            outcome = "no other node answers, so those runs failed"
        else:
            outcome = "not crawled again now (shutting down, or already retried); the next slot will"
        logger.error("scrapyd node=%s %s during the crawl of %s: %s", url, why, names, outcome)
        self._notify(f"newsradar: Scrapyd node {url} {why} while crawling {names}; {outcome}.",
                     key=f"scrapyd-lost:{url}:{lost[0].jobid}")
        return placed

    def _run_of(self, crawl: Crawl) -> dict | None:
        """The crawl run this job's spider recorded (the newest since it was scheduled)."""
        runs = [r for r in list_runs(self.db, source=crawl.source, limit=5) if r["started_at"] >= crawl.since]
        return runs[0] if runs else None

    async def _cancel(self, crawls: list[Crawl], signal: str) -> None:
        crawls = [c for c in crawls if signal not in c.signals]
        for crawl in crawls:
            crawl.signals.add(signal)

        async def one(crawl: Crawl) -> None:
            try:
                await asyncio.to_thread(crawl.node.cancel, crawl.jobid, signal=signal)
            except ScrapydError as exc:
                logger.warning("scrapyd node=%s could not cancel job=%s: %s", crawl.node.url, crawl.jobid, exc)

        await asyncio.gather(*(one(c) for c in crawls))

    def _notify(self, text: str, *, key: str) -> None:
        if self.db is not None and self.config.admins:
            add_notice(self.db, sorted(self.config.admins), text, key=key)

    # -- the launcher interface -----------------------------------------------------------------
    async def run_sources(self, name: str, sources: tuple[str, ...] | list[str],
                          timeout: dt.timedelta) -> int | None:
        sources = self._take(name, sources)
        if not sources:
            return None
        task = asyncio.current_task()
        self.tasks.add(task)
        code = None
        started = time.monotonic()
        try:
            logger.info("crawl start job=%s sources=%s nodes=%d", name, ",".join(sources), len(self.nodes))
            crawls, unplaced = await self._place(list(sources))
            if unplaced and self.accepting:
                logger.error("crawl job=%s: no Scrapyd node answers; not crawled: %s", name, ",".join(unplaced))
                self._notify(f"newsradar: no Scrapyd node answers ({', '.join(n.url for n in self.nodes)}), "
                             f"so {', '.join(unplaced)} could not be crawled.",
                             key=f"scrapyd-none:{dt.date.today()}")
            ended = await self._follow(crawls, timeout)
            ok = {c.source for c in ended if c.run and c.run["status"] in ("ok", "failed")}
            code = 0 if not unplaced and ok >= set(sources) else 1
            logger.info("crawl done job=%s sources=%d exit=%s seconds=%.1f", name, len(sources), code,
                        time.monotonic() - started)
            return code
        finally:
            self.tasks.discard(task)
            await self._crawled(sources, code)

    async def launch(self, sources, since=None, until=None, progress=None) -> list[dict]:
        names = tuple(sources)
        clash = self.busy.intersection(names)
        if clash:
            raise LaunchError(f"A crawl of {', '.join(sorted(clash))} is already running; try again when it ends.")
        self.busy.update(names)
        started = time.monotonic()
        try:
            window = {"since": since.isoformat()} if since else {}
            if since and until:
                window["until"] = until.isoformat()
            crawls, unplaced = await self._place(list(names), args=window)
            if unplaced:
                raise LaunchError(f"no Scrapyd node answers, so {', '.join(unplaced)} could not be crawled.")
            if progress is not None:
                for crawl in crawls:
                    await progress(f"{crawl.source}: queued on {crawl.node.url}")
            ended = await self._follow(crawls, dt.timedelta(days=1), progress)
        finally:
            self.busy.difference_update(names)
        seconds = time.monotonic() - started
        summaries = []
        for crawl in ended:
            run = crawl.run or {}
            summaries.append({
                "source": crawl.source, "status": run.get("status", "failed"), "pages": run.get("pages", 0),
                "articles_new": run.get("articles_new", 0), "articles_updated": run.get("articles_updated", 0),
                "alerts": run.get("alerts", 0), "errors": run.get("error_log", []), "seconds": seconds,
            })
        return summaries

    def recover_killed_crawls(self) -> int:
        """Jobs a previous service left on the nodes: their sources stay busy until they end."""
        known = self.known_sources() if self.known_sources else {}
        found = []
        for node in self.nodes:
            try:
                jobs = node.jobs()
            except ScrapydError as exc:
                logger.warning("start: scrapyd node=%s not answering: %s", node.url, exc)
                continue
            for state in ("pending", "running"):
                for job in jobs[state]:
                    source = source_of_job(job["id"], known)
                    if source and source not in self.busy:
                        since = iso_utc(utcnow() - dt.timedelta(days=1))
                        found.append(Crawl(source, node, job["id"], since, attempt=ATTEMPTS, state=state))
        if found:
            logger.warning("start: %d crawl(s) from before the restart still on the nodes: %s",
                           len(found), ",".join(c.source for c in found))
            self.busy.update(c.source for c in found)
            for crawl in found:
                self.running[crawl.jobid] = crawl
            task = asyncio.ensure_future(self._adopt(found))
            self.adopted.add(task)
            task.add_done_callback(self.adopted.discard)
        return 0

    async def _adopt(self, crawls: list[Crawl]) -> None:
        try:
            await self._follow(crawls, dt.timedelta(days=1))
        finally:
            await self._crawled(tuple(c.source for c in crawls), None)

    async def stop_all(self) -> None:
        """Cancel running jobs (SIGTERM: Scrapy closes its spiders), SIGKILL after a grace."""
        self.accepting = False
        current = asyncio.current_task()
        tasks = [t for t in (*self.tasks, *self.adopted) if t is not current]
        if self.running:  # the followers cancel what they place from now on themselves
            await self._cancel(list(self.running.values()), "TERM")
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=CRAWL_GRACE)
        if late and self.running:
            await self._cancel(list(self.running.values()), "KILL")
            _, late = await asyncio.wait(late, timeout=5)
        for task in late:
            task.cancel()
