"""Crawling on Scrapyd nodes, with real Scrapyd servers on 127.0.0.1.

Two `scrapyd` processes (own ports, configs, eggs and logs folders) get the project egg
from `newsradar deploy`; `newsradar run` with the scrapyd launcher spreads the recorded
web's sources over both and the alert reaches the Telegram double once; a node killed
mid-crawl (SIGKILL to its process group) has its source crawled again on the other,
with no alert twice. The database is a SQLite file, and PostgreSQL where it is installed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsradar.config import ConfigError, load_config
from newsradar.demo import sites
from newsradar.demo.stories import Story
from newsradar.demo.web import DEMO_EXPECTED_ALERT_URL, DEMO_WATCH, build_demo_web, write_warc
from newsradar.scrapyd import ScrapydLauncher, build_egg, source_of_job, job_id
from scrapers.registry import load_sources
from storage import open_db
from storage.outbox import list_alerts
from storage.runs import list_runs
from storage.watchlists import add_watch
from tests.conftest import REPO, run_cli
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)
from tests.support.scrapyd_nodes import ScrapydNode
from tests.support.waiting import wait_until

TOKEN = "123456789:AAE2e-test-token-for-the-double-only"
CHAT = 5550002
ADMIN = 4242
DEMO_SOURCES = ("business-standard", "the-hindu", "japan-times")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """Where the service and the nodes store: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "newsradar.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def shared_database(request, tmp_path) -> str:
    """What nodes on several machines would share: PostgreSQL where it can run here,
    else a SQLite file (the nodes are all on this machine)."""
    from tests.support.postgres import find_bindir

    if find_bindir() is None and not os.environ.get("NEWSRADAR_TEST_POSTGRES_URL"):
        return str(tmp_path / "newsradar.db")
    return request.getfixturevalue("postgres_url")


def _start_nodes(root: Path, count: int = 2) -> list[ScrapydNode]:
    nodes: list[ScrapydNode] = []
    try:
        for i in range(count):
            nodes.append(ScrapydNode(root / f"node{i}").start())
    except Exception:
        for node in nodes:
            node.kill()
        raise
    return nodes


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Two Scrapyd nodes with the egg deployed by `newsradar deploy` (shared by the tests
    that do not kill one)."""
    started = _start_nodes(tmp_path_factory.mktemp("scrapyd"))
    try:
        done = run_cli("deploy", "--json", *(a for n in started for a in ("--node", n.url)), timeout=120)
        assert done.returncode == 0, done.stderr
        yield started
    finally:
        for node in started:
            node.stop()


# -- configuration, the egg and deploy, without servers ------------------------------------
@pytest.mark.parametrize("env, sentence", [
    ({"NEWSRADAR_CRAWL_LAUNCHER": "kubernetes"}, "NEWSRADAR_CRAWL_LAUNCHER must be local or scrapyd"),
    ({"NEWSRADAR_CRAWL_LAUNCHER": "scrapyd"}, "needs NEWSRADAR_SCRAPYD_NODES"),
    ({"NEWSRADAR_SCRAPYD_NODES": "127.0.0.1:6800"}, "'127.0.0.1:6800' is not one"),
])
def test_launcher_configuration_errors_are_one_sentence(env, sentence):
    with pytest.raises(ConfigError, match=sentence):
        load_config(env=env)


def test_node_list_is_read_in_order_without_repeats():
    config = load_config(env={"NEWSRADAR_CRAWL_LAUNCHER": "Scrapyd",
                              "NEWSRADAR_SCRAPYD_NODES": "http://a:6800/, http://b:6800 http://a:6800"})
    assert config.crawl_launcher == "scrapyd"
    assert config.scrapyd_nodes == ("http://a:6800", "http://b:6800")
    assert load_config(env={}).crawl_launcher == "local"


def test_job_ids_name_their_source():
    known = {"the-hindu": None, "nhk-world": None, "odd source/name": None}
    for source in known:
        jobid = job_id(source)
        assert source_of_job(jobid, known) == source
    assert source_of_job("6487ec79947edab326d6db28a2d86511", known) is None


def test_egg_holds_the_project_and_its_scrapy_settings_entry_point(tmp_path):
    import zipfile

    egg = tmp_path / "newsradar.egg"
    egg.write_bytes(build_egg("1.0"))
    with zipfile.ZipFile(egg) as z:
        names = set(z.namelist())
        assert {"scrapers/settings.py", "scrapers/sources.yaml", "scrapers/spiders/news.py",
                "storage/db.py", "rules/__init__.py"} <= names
        assert not any("__pycache__" in n for n in names)
        assert "settings = scrapers.settings" in z.read("EGG-INFO/entry_points.txt").decode()


def test_deploy_without_nodes_or_to_a_dead_node_says_so(tmp_path):
    done = run_cli("deploy", env={"NEWSRADAR_SCRAPYD_NODES": ""})
    assert done.returncode != 0 and "--node URL, or set NEWSRADAR_SCRAPYD_NODES" in done.stderr
    dead = ScrapydNode(tmp_path / "dead").url  # a free port nobody listens on
    done = run_cli("deploy", "--node", dead)
    assert done.returncode == 1
    assert f"{dead}: not deployed: Scrapyd at {dead} does not answer" in done.stdout
    assert "1 of 1 node(s) did not take the egg" in done.stderr and "Traceback" not in done.stderr


# -- with real Scrapyd nodes ---------------------------------------------------------------
@pytest.mark.slow
def test_deploy_puts_the_egg_and_its_spiders_on_every_node(nodes):
    from scrapyd_client import ScrapydClient

    for node in nodes:  # seen through scrapyd-client, as an operator would check
        client = ScrapydClient(node.url)
        assert client.projects() == ["newsradar"]
        assert sorted(client.spiders("newsradar")) == ["news", "nhk-world"]
    done = run_cli("deploy", "--version", "7", env={"NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("project newsradar version 7, 2 spiders") == 2
    assert all("7" in n.get("listversions.json?project=newsradar")["versions"] for n in nodes)


@pytest.mark.slow
def test_a_crawl_asked_for_in_the_bot_runs_on_a_node_and_reports_back(tmp_path, nodes, demo_warc):
    """/crawl in Telegram calls the launcher's launch(): with Scrapyd it becomes a job."""
    config = load_config(str(tmp_path / "newsradar.db"), env={
        "NEWSRADAR_CRAWL_LAUNCHER": "scrapyd", "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
    db = open_db(config.db_path)
    launcher = ScrapydLauncher(config, replay=demo_warc, known_sources=load_sources, poll=0.3)
    launcher.db = db
    lines: list[str] = []

    async def progress(line: str) -> None:
        lines.append(line)

    summaries = asyncio.run(launcher.launch(["the-hindu"], progress=progress))
    assert [(s["source"], s["status"]) for s in summaries] == [("the-hindu", "ok")]
    assert summaries[0]["articles_new"] == db.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
    assert lines[0] == f"the-hindu: queued on {nodes[0].url}"
    assert launcher.busy == set()
    db.close()


@pytest.mark.slow
def test_the_least_busy_node_gets_the_crawl(tmp_path, nodes, demo_warc):
    config = load_config(str(tmp_path / "newsradar.db"), env={
        "NEWSRADAR_CRAWL_LAUNCHER": "scrapyd", "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
    db = open_db(config.db_path)
    launcher = ScrapydLauncher(config, replay=demo_warc, known_sources=load_sources, poll=0.3)
    launcher.db = db
    # The first node is busy with two crawls someone else asked for (into another database).
    busy, idle = launcher.nodes
    elsewhere = {**launcher.settings(), "NEWSRADAR_DB": str(tmp_path / "other.db")}
    others = [busy.schedule("news", jobid=f"other-{i}", settings=elsewhere, args={"source": source})
              for i, source in enumerate(("business-standard", "japan-times"))]
    assert busy.load() == 2
    before = {j["id"] for n in nodes for j in n.jobs()["finished"]}  # other tests' jobs
    assert asyncio.run(launcher.run_sources("slot", ["the-hindu"], dt.timedelta(minutes=2))) == 0

    def hindu_jobs(node) -> list[str]:
        return [j["id"] for j in node.jobs()["finished"]
                if j["id"] not in before and source_of_job(j["id"], {"the-hindu"})]

    assert len(hindu_jobs(idle)) == 1 and hindu_jobs(busy) == []
    wait_until(lambda: busy.load() == 0, 60, "the other crawls")
    assert set(others) <= {j["id"] for j in busy.jobs()["finished"]}
    db.close()


@pytest.mark.slow
def test_run_spreads_the_crawls_over_both_nodes_and_alerts_once(tmp_path, nodes, database, telegram_double):
    double = telegram_double
    warc = write_warc(build_demo_web(), tmp_path / "web.warc.gz")
    db = open_db(database)
    try:
        add_watch(db, CHAT, DEMO_WATCH, name="G20", chat_kind="private")
    finally:
        db.close()
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"jobs:\n  - sources: [{', '.join(DEMO_SOURCES)}]\n    every: 3s\n")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": double.url,
           "NEWSRADAR_CRAWL_LAUNCHER": "scrapyd", "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)}
    def finished_jobs() -> dict[str, list[str]]:  # this test's: the nodes served earlier tests
        return {n.url: [j["id"] for j in n.jobs()["finished"] if j["id"] not in before] for n in nodes}

    before = {j["id"] for n in nodes for j in n.jobs()["finished"]}
    log = tmp_path / "service.log"
    with log.open("ab") as out:
        service = subprocess.Popen(
            [sys.executable, "-m", "newsradar", "--db", database, "run", "--schedule", str(schedule),
             "--replay", str(warc)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        alert = wait_until(lambda: [m for m in double.sent(CHAT) if DEMO_EXPECTED_ALERT_URL in (m.get("text") or "")],
                      90, "the alert")[0]
        assert "Matched your rule: G20" in alert["plain_text"]

        # Another round of the three sources after the one that alerted.
        wait_until(lambda: sum(map(len, finished_jobs().values())) >= 6, 120, "two rounds of crawls")
        time.sleep(1.0)  # a sender round to (wrongly) send again
        assert len(double.sent(CHAT)) == 1, [m["plain_text"][:80] for m in double.sent(CHAT)]
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=40) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()

    spread = finished_jobs()
    assert all(spread.values()), spread  # both nodes crawled
    for jobs in spread.values():
        assert all(j.startswith("nr-") for j in jobs)
    crawled = {source_of_job(j, DEMO_SOURCES) for jobs in spread.values() for j in jobs}
    assert crawled == set(DEMO_SOURCES)
    db = open_db(database)
    try:
        for source in DEMO_SOURCES:
            runs = list_runs(db, source=source, limit=50)
            assert len(runs) >= 2 and {r["status"] for r in runs} == {"ok"}, runs[:3]
            assert runs[-1]["articles_new"] > 0  # the first round stored the source's articles
        alerts = list_alerts(db, chat_id=CHAT)
        assert [a["url"] for a in alerts] == [DEMO_EXPECTED_ALERT_URL] and alerts[0]["status"] == "sent"
    finally:
        db.close()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]
    assert TOKEN.split(":")[1] not in text


# -- a node dies mid-crawl ------------------------------------------------------------------
ARTICLES = 8          # per source
DELAY = 0.6           # seconds the loopback server takes over each article page
SLOW = ("slow-a", "slow-b")


def _slow_web(port: int) -> dict[str, tuple[str, bytes]]:
    """Two sources on 127.0.0.1: a feed each, and ARTICLES distinct stories that all
    mention Modi and Takaichi, published a few minutes ago (fresh)."""
    rng = random.Random(8)
    words = ("summit trade chips budget yen rupee court port railway monsoon exports talks "
             "policy delegation security agreement inflation election coalition").split()
    now = dt.datetime.now(dt.timezone.utc)
    pages: dict[str, tuple[str, bytes]] = {"/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n")}
    for source in SLOW:
        listed = []
        for i in range(ARTICLES):
            story = Story(
                slug=f"{source}-story-{i}", title=f"{source} story {i}: Modi and Takaichi on {rng.choice(words)}",
                paragraphs=[" ".join(rng.choice(words) for _ in range(60)).capitalize()
                            + f". Prime Minister Modi met Takaichi ({source} {i})." for _ in range(5)],
                published=now - dt.timedelta(minutes=5 + i), authors=["Loopback Desk"], section="World",
            )
            url = f"http://127.0.0.1:{port}/{source}/news/story-{i}/article{1000 + i}.ece"
            pages[url.split(str(port), 1)[1]] = ("text/html; charset=utf-8", sites.hindu_article(story, url).encode())
            listed.append((story, url))
        feed = sites.rss_feed(source, f"http://127.0.0.1:{port}/{source}/", listed)
        pages[f"/{source}/feed.xml"] = ("application/rss+xml; charset=utf-8", feed.encode())
    return pages


@pytest.fixture
def slow_web():
    """A loopback web whose article pages each take DELAY seconds: crawls last a while."""
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            found = pages.get(self.path)
            if found is None:
                self.send_error(404)
                return
            if "/news/" in self.path:
                time.sleep(DELAY)
            ctype, body = found
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    pages.update(_slow_web(server.server_port))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def _sources_file(path: Path, port: int) -> Path:
    entries = {
        source: {"title": f"Loopback {source}", "homepage": f"http://127.0.0.1:{port}/{source}/",
                 "language": "en", "allowed_domains": ["127.0.0.1"],
                 "feeds": [f"http://127.0.0.1:{port}/{source}/feed.xml"], "article_pattern": r"/article\d+\.ece$",
                 "no_archive_reason": "a test server"}
        for source in SLOW
    }
    path.write_text(json.dumps({"sources": entries}))  # JSON is YAML
    return path


@pytest.mark.slow
def test_a_killed_node_has_its_source_crawled_again_on_the_other_without_duplicate_alerts(
        tmp_path, shared_database, slow_web):
    database = shared_database
    nodes = _start_nodes(tmp_path / "scrapyd")
    try:
        done = run_cli("deploy", *(a for n in nodes for a in ("--node", n.url)), timeout=120)
        assert done.returncode == 0, done.stderr
        sources_file = _sources_file(tmp_path / "sources.yaml", slow_web)
        config = load_config(database, env={"NEWSRADAR_SOURCES": str(sources_file), "NEWSRADAR_ADMINS": str(ADMIN),
                                            "NEWSRADAR_CRAWL_LAUNCHER": "scrapyd",
                                            "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
        db = open_db(database)
        add_watch(db, CHAT, "Modi + Takaichi", name="G20", chat_kind="private")
        launcher = ScrapydLauncher(config, known_sources=lambda: load_sources(sources_file), poll=0.3)
        launcher.db = db

        def stored(source: str) -> int:
            return db.execute("SELECT count(*) FROM articles WHERE source = ?", [source]).fetchone()[0]

        async def scenario() -> tuple[int | None, str]:
            crawl = asyncio.ensure_future(launcher.run_sources("slow", SLOW, dt.timedelta(minutes=3)))
            deadline = time.monotonic() + 90
            while stored("slow-a") == 0:  # slow-a's crawl is under way and has alerted already
                assert time.monotonic() < deadline and not crawl.done(), "slow-a stored nothing"
                await asyncio.sleep(0.1)
            victim = next(c.node.url for c in launcher.running.values() if c.source == "slow-a")
            assert launcher.busy == set(SLOW)
            next(n for n in nodes if n.url == victim).kill()
            assert 0 < stored("slow-a") < ARTICLES, "the kill came too late to be mid-crawl"
            return await asyncio.wait_for(crawl, 150), victim

        code, victim = asyncio.run(scenario())
        survivor = next(n for n in nodes if n.url != victim)
        assert code == 0
        assert stored("slow-a") == ARTICLES and stored("slow-b") == ARTICLES
        runs = list_runs(db, source="slow-a")
        assert [r["status"] for r in runs] == ["ok", "interrupted"]  # newest first: the retry, the lost crawl
        assert [r["status"] for r in list_runs(db, source="slow-b")] == ["ok"]
        retried = [j["id"] for j in survivor.jobs()["finished"] if source_of_job(j["id"], SLOW) == "slow-a"]
        assert len(retried) == 1

        alerts = [a for a in list_alerts(db, chat_id=CHAT, limit=100) if a["status"] != "folded"]
        assert len(alerts) == 2 * ARTICLES
        assert len({a["article_id"] for a in alerts}) == 2 * ARTICLES  # no article alerted twice
        notices = db.execute("SELECT chat_id, text FROM notices").fetchall()
        assert len(notices) == 1 and notices[0][0] == ADMIN
        assert notices[0][1] == (f"newsradar: Scrapyd node {victim} stopped answering ([Errno 111] Connection "
                                 f"refused) while crawling slow-a; crawling slow-a again on {survivor.url}.")
        assert launcher.busy == set()

        # A restarted service finds a crawl its predecessor left on a node and does not
        # start a second one of that source until it ends.
        async def restart() -> None:
            left = survivor_node.schedule("news", jobid=job_id("slow-b"), settings=launcher.settings(),
                                          args={"source": "slow-b"})
            again = ScrapydLauncher(config, known_sources=lambda: load_sources(sources_file), poll=0.3)
            again.db = db
            again.recover_killed_crawls()
            assert again.busy == {"slow-b"} and left in again.running
            assert await again.run_sources("slot", ["slow-b"], dt.timedelta(minutes=1)) is None
            await asyncio.wait_for(asyncio.gather(*again.adopted), 60)
            assert again.busy == set() and again.running == {}

        survivor_node = next(n for n in launcher.nodes if n.url == survivor.url)
        asyncio.run(restart())
        assert [r["status"] for r in list_runs(db, source="slow-b")] == ["ok", "ok"]
        db.close()
    finally:
        for node in nodes:
            node.stop()


@pytest.mark.slow
def test_stopping_cancels_running_jobs_and_their_runs_end_interrupted(tmp_path, nodes, slow_web):
    sources_file = _sources_file(tmp_path / "sources.yaml", slow_web)
    config = load_config(str(tmp_path / "newsradar.db"), env={
        "NEWSRADAR_SOURCES": str(sources_file), "NEWSRADAR_CRAWL_LAUNCHER": "scrapyd",
        "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
    db = open_db(config.db_path)
    launcher = ScrapydLauncher(config, known_sources=lambda: load_sources(sources_file), poll=0.3)
    launcher.db = db

    async def scenario() -> int | None:
        crawl = asyncio.ensure_future(launcher.run_sources("slow", ["slow-a"], dt.timedelta(minutes=3)))
        deadline = time.monotonic() + 90
        while db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0:
            assert time.monotonic() < deadline and not crawl.done(), "slow-a stored nothing"
            await asyncio.sleep(0.1)
        started = time.monotonic()
        await launcher.stop_all()  # what SIGTERM to `newsradar run` does
        assert time.monotonic() - started < 10  # Scrapy closed the spider; no SIGKILL needed
        return await crawl

    assert asyncio.run(scenario()) == 1
    assert [r["status"] for r in list_runs(db, source="slow-a")] == ["interrupted"]
    assert launcher.busy == set() and launcher.running == {}
    assert asyncio.run(launcher.run_sources("late", ["slow-a"], dt.timedelta(minutes=1))) is None
    db.close()
