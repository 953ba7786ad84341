"""`newsradar run` as an operator meets it: reloads, batching, SIGTERM, and SIGKILL mid-crawl.

Real parts only: the service and its crawls are subprocesses, the news web is an HTTP
server on 127.0.0.1 (one page can be held back to catch a crawl mid-way), Telegram is the
Bot API double, and every check reads the SQLite file.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage import open_db
from tests.conftest import REPO, run_cli
from tests.support.waiting import wait_until

TOKEN = "123456789:AAE2e-test-token-for-the-double-only"
CHAT = 5550007
ADMIN = 5550099
SOURCES = ("loop-a", "loop-b")


# Distinct stories, so that story clustering keeps them apart.
TOPICS = [
    ("semiconductor supply", ["Chip fabrication plants in Gujarat will receive Japanese lithography tools.",
                              "Engineers from Kumamoto are to train technicians in Dholera next spring.",
                              "Wafer exports are expected to double within three fiscal years."]),
    ("high-speed rail", ["The Mumbai to Ahmedabad bullet train line gets a second tranche of yen loans.",
                         "Shinkansen rolling stock will be assembled partly in a plant near Chennai.",
                         "Station construction at Surat is running ahead of the revised timetable."]),
    ("maritime security", ["Coast guards of both nations will hold joint drills off the Andaman Islands.",
                           "A new information-sharing desk will track shipping through the Malacca Strait.",
                           "Navies plan reciprocal access to repair docks in Visakhapatnam and Yokosuka."]),
    ("clean hydrogen", ["Ammonia co-firing pilots start at two coal stations in Odisha.",
                        "A Japanese consortium commits funds to electrolyser factories in Tamil Nadu.",
                        "Standards bodies agree a common certificate for green hydrogen cargoes."]),
    ("student exchanges", ["Ten thousand scholarships will let Indian engineering students study in Osaka.",
                           "Japanese universities open liaison offices in Bengaluru and Hyderabad.",
                           "Language schools expect enrolment in Japanese courses to rise sharply."]),
]


class NewsWeb:
    """Feeds and article pages for a few sources on one loopback port. Pages named in
    ``held`` wait until ``release()`` (or 60 s), so a test can catch a crawl mid-way."""

    def __init__(self, articles: int = 3):
        self.articles = articles
        self.held: set[str] = set()
        self.released = threading.Event()
        self.holding = threading.Event()
        self.requests: list[str] = []
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                web.requests.append(self.path)
                parts = self.path.strip("/").split("/")
                if len(parts) == 2 and parts[1] == "feed.xml":
                    return self._send(200, web.feed(parts[0]), "application/rss+xml")
                if len(parts) == 3 and parts[1] == "news":
                    if self.path in web.held:
                        web.holding.set()
                        web.released.wait(60)
                    return self._send(200, web.page(parts[0], parts[2]), "text/html; charset=utf-8")
                return self._send(404, b"not here", "text/plain")

            def _send(self, status, body, ctype):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, source: str, n: int) -> str:
        return f"{self.base}/{source}/news/{n}.html"

    def feed(self, source: str) -> bytes:
        items = "".join(f"<item><title>{source} {n}</title><link>{self.url(source, n)}</link></item>"
                        for n in range(1, self.articles + 1))
        return f"<rss version='2.0'><channel><title>{source}</title>{items}</channel></rss>".encode()

    def page(self, source: str, name: str) -> bytes:
        n = name.split(".")[0]
        url = f"{self.base}/{source}/news/{name}"
        topic = TOPICS[(int(n) + SOURCES.index(source) * 2) % len(TOPICS)] if source in SOURCES else TOPICS[0]
        title = f"Modi and Takaichi agree on {topic[0]}: port deal number {n}"
        published = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": published, "mainEntityOfPage": url})
        paras = "".join(f"<p>{sentence} Prime Minister Modi and Prime Minister Takaichi spoke of it.</p>"
                        for sentence in topic[1])
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
                f"<link rel='canonical' href='{url}'><script type='application/ld+json'>{ld}</script></head>"
                f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()

    def release(self) -> None:
        self.released.set()

    def sources_yaml(self, names=SOURCES) -> str:
        out = ["sources:"]
        for name in names:
            out += [f"  {name}:", f"    title: Loop {name}", f"    homepage: {self.base}/{name}/",
                    "    language: en", "    allowed_domains: ['127.0.0.1']",
                    f"    feeds: ['{self.base}/{name}/feed.xml']", f"    article_pattern: '/{name}/news/\\d+\\.html$'"]
        return "\n".join(out) + "\n"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def news_web():
    web = NewsWeb()
    yield web
    web.close()


class Service:
    def __init__(self, tmp: Path, web: NewsWeb, schedule: str, double=None):
        self.tmp = tmp
        self.db = tmp / "newsradar.db"
        self.schedule = tmp / "schedule.yaml"
        self.schedule.write_text(schedule)
        (tmp / "sources.yaml").write_text(web.sources_yaml())
        self.log = tmp / "service.log"
        self.env = {**os.environ, "NEWSRADAR_SOURCES": str(tmp / "sources.yaml"), "NEWSRADAR_ADMINS": str(ADMIN),
                    "NEWSRADAR_FRESHNESS": "72h"}
        self.env.pop("TELEGRAM_BOT_TOKEN", None)
        if double is not None:
            self.env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=double.url)
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str):
        return run_cli("--db", str(self.db), *args, env=self.env)

    def start(self) -> None:
        self.log_fh = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsradar", "--db", str(self.db), "--log-level", "INFO", "run",
             "--schedule", str(self.schedule)],
            cwd=REPO, env=self.env, stdout=self.log_fh, stderr=subprocess.STDOUT,
        )

    def signal(self, sig) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.log_fh.close()

    def crawl_children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            for child in self.crawl_children():
                _kill(child)
            self.proc.kill()
            self.proc.wait()
            self.log_fh.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait(predicate, timeout: float, what: str, service: Service | None = None):
    return wait_until(predicate, timeout, what, context=(lambda: service.text()[-3000:]) if service else None)


def _query(db_path: Path, sql: str, params=()) -> list[tuple]:
    if not db_path.exists():
        return []
    db = open_db(db_path, migrate=False)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def _alerts(double) -> list[str]:
    return [m["plain_text"] for m in double.sent(CHAT) if "port deal" in (m.get("plain_text") or "")]


# -- the tests ------------------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_mid_crawl_loses_nothing_and_sends_nothing_twice(tmp_path, news_web, telegram_double):
    double = telegram_double
    news_web.articles = 3
    held = "/loop-a/news/3.html"
    news_web.held.add(held)
    service = Service(tmp_path, news_web, "jobs:\n  - sources: [loop-a]\n    every: 1h\n", double)
    assert service.cli("rules", "add", "--chat", str(CHAT), "Modi + Takaichi").returncode == 0
    service.start()
    try:
        # Two stories are stored and alerted; the crawl is stuck fetching the third.
        _wait(lambda: len(_alerts(double)) == 2, 60, "the first two alerts", service)
        assert news_web.holding.wait(30)
        crawls = _wait(service.crawl_children, 10, "the crawl process", service)
        _wait(lambda: _query(service.db, "SELECT count(*) FROM outbox WHERE status = 'sent'")[0][0] == 2, 10,
              "the two alerts marked sent", service)
        for pid in crawls:
            os.kill(pid, signal.SIGKILL)
        service.proc.kill()
        service.wait(10)
    finally:
        service.kill()

    (verdict,), = _query(service.db, "PRAGMA integrity_check")
    assert verdict == "ok"
    assert _query(service.db, "SELECT count(*) FROM articles")[0][0] == 2
    assert _query(service.db, "SELECT status FROM crawl_runs") == [("running",)]

    news_web.release()
    service.start()
    try:
        _wait(lambda: len(_alerts(double)) >= 3, 60, "the third alert after the restart", service)
        _wait(lambda: _query(service.db, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'")[0][0] == 1, 30,
              "the crawl after the restart", service)
        time.sleep(1.0)  # a round for the sender to (wrongly) send anything again
        service.signal(signal.SIGTERM)
        assert service.wait(30) == 0
    finally:
        service.kill()

    alerts = _alerts(double)
    assert sorted(a.split("port deal number ")[1][:1] for a in alerts) == ["1", "2", "3"], alerts
    (verdict,), = _query(service.db, "PRAGMA integrity_check")
    assert verdict == "ok"
    rows = _query(service.db, "SELECT url, body != '', (SELECT count(*) FROM outbox o WHERE o.article_id = a.id) "
                              "FROM articles a ORDER BY url")
    assert [r[0] for r in rows] == [news_web.url("loop-a", n) for n in (1, 2, 3)]
    assert all(r[1] and r[2] == 1 for r in rows), rows          # whole articles, one alert each
    assert _query(service.db, "SELECT status, count(*) FROM outbox GROUP BY status") == [("sent", 3)]
    fts = _query(service.db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Takaichi'")[0][0]
    assert fts == 3
    assert _query(service.db, "SELECT status FROM crawl_runs ORDER BY id") == [("interrupted",), ("ok",)]
    log = service.text()
    assert "marked interrupted" in log and "Traceback" not in log
    assert TOKEN.split(":")[1] not in log


@pytest.mark.slow
def test_sigterm_stops_a_stuck_crawl_cleanly_within_30_seconds(tmp_path, news_web):
    news_web.held.add("/loop-a/news/2.html")
    service = Service(tmp_path, news_web, "jobs:\n  - sources: [loop-a]\n    every: 1h\n")
    service.start()
    try:
        assert news_web.holding.wait(60), service.text()[-2000:]
        _wait(lambda: _query(service.db, "SELECT count(*) FROM articles")[0][0] >= 1, 30, "a stored article", service)
        started = time.monotonic()
        service.signal(signal.SIGTERM)
        assert service.wait(30) == 0
        took = time.monotonic() - started
    finally:
        service.kill()
    assert took < 30
    # Scrapy closed the spider itself: the run has its end recorded, nothing is left running.
    runs = _query(service.db, "SELECT status, finished_at IS NOT NULL FROM crawl_runs")
    assert len(runs) == 1 and runs[0][1] == 1 and runs[0][0] != "running"
    assert _query(service.db, "SELECT count(*) FROM meta WHERE key LIKE 'crawl_pid:%'")[0][0] == 0
    log = service.text()
    assert "stopping: no new crawls" in log and "stopped seconds=" in log and "Traceback" not in log


@pytest.mark.slow
def test_due_sources_share_one_crawl_and_the_schedule_reloads(tmp_path, news_web):
    news_web.articles = 1
    schedule = ("batch: 30s\njobs:\n  - name: a\n    sources: [loop-a]\n    every: 1h\n"
                "  - name: b\n    sources: [loop-b]\n    every: 1h\n")
    service = Service(tmp_path, news_web, schedule)
    service.start()
    try:
        _wait(lambda: "crawl done" in service.text(), 60, "the first crawl", service)
        starts = [line for line in service.text().splitlines() if "crawl start" in line]
        assert len(starts) == 1 and "sources=loop-a,loop-b" in starts[0], starts
        assert {r[0] for r in _query(service.db, "SELECT source FROM crawl_runs")} == {"loop-a", "loop-b"}

        # A bad edit: logged, told to the admin once, and the last good schedule keeps running.
        service.schedule.write_text(schedule.replace("loop-b", "loop-zzz"))
        _wait(lambda: _query(service.db, "SELECT count(*) FROM notices")[0][0] == 1, 20, "the admin notice", service)
        (chat, key, text), = _query(service.db, "SELECT chat_id, key, text FROM notices")
        assert chat == ADMIN and key.startswith("schedule-error:")
        assert "unknown source 'loop-zzz'" in text and "line 6:" in text and "last good schedule" in text
        service.signal(signal.SIGHUP)  # asking again changes nothing
        time.sleep(1.0)
        assert _query(service.db, "SELECT count(*) FROM notices")[0][0] == 1
        assert "schedule reload failed" in service.text()

        # A good edit is picked up without a restart: a new job every 2 s.
        service.schedule.write_text(schedule.replace("every: 1h\n  - name: b", "every: 2s\n  - name: b"))
        _wait(lambda: "schedule reloaded jobs=2" in service.text(), 20, "the reload", service)
        _wait(lambda: _query(service.db, "SELECT count(*) FROM crawl_runs WHERE source = 'loop-a'")[0][0] >= 3,
              60, "loop-a crawled every 2 s", service)
        assert _query(service.db, "SELECT count(*) FROM crawl_runs WHERE source = 'loop-b'")[0][0] == 1
        service.signal(signal.SIGTERM)
        assert service.wait(30) == 0
    finally:
        service.kill()
    assert "Traceback" not in service.text()
    status = service.cli("status", "--schedule", str(service.schedule.with_name("none.yaml")), "--json")
    by = {s["source"]: s for s in json.loads(status.stdout)["sources"]}
    assert by["loop-a"]["state"] == "ok" and by["loop-a"]["runs"] >= 2  # the last may be interrupted by the stop


def test_doctor_checks_each_part_in_one_line(tmp_path, news_web, telegram_double):
    service = Service(tmp_path, news_web, "jobs:\n  - sources: [loop-a, loop-b]\n    every: 5m\n", telegram_double)
    (tmp_path / "sources.yaml").write_text(news_web.sources_yaml() + "  loop-gone:\n    title: Gone\n"
                                           f"    homepage: {news_web.base}/\n    language: en\n"
                                           "    allowed_domains: ['127.0.0.1']\n"
                                           f"    feeds: ['{news_web.base}/nothing/here.xml']\n")
    service.schedule.write_text("jobs:\n  - sources: [loop-a, loop-gone]\n    every: 5m\n")
    assert service.cli("sources").returncode == 0
    service.cli("backup", str(tmp_path / "unused.db"))  # no database yet: one sentence, nothing created
    assert not service.db.exists()
    out = service.cli("doctor", "--schedule", str(service.schedule), "--timeout", "5")
    lines = {line.split()[1] + (" " + line.split()[2] if line.split()[1] == "source" else ""): line
             for line in out.stdout.splitlines()}
    assert out.returncode == 1, out.stdout + out.stderr
    assert lines["telegram"].startswith("ok") and "@newsradar_test_bot" in lines["telegram"]
    assert lines["database"].startswith("warn") and "does not exist yet" in lines["database"]
    assert lines["schedule"].startswith("ok")
    assert lines["source loop-a"].startswith("ok") and "1/1" in lines["source loop-a"]
    assert lines["source loop-gone"].startswith("FAIL") and "HTTP 404" in lines["source loop-gone"]

    assert service.cli("crawl", "loop-a").returncode == 0
    service.env["TELEGRAM_BOT_TOKEN"] = "123456789:AAE2e-a-token-nobody-issued-xx"
    telegram_double.token = TOKEN
    out = service.cli("doctor", "--schedule", str(service.schedule), "--timeout", "5")
    text = out.stdout
    assert "FAIL telegram" in text.replace("  ", " ") and "refused the token" in text
    assert "integrity ok" in text and "migrations" in text
    assert "nobody-issued" not in text + out.stderr
    offline = service.cli("doctor", "--offline", "--schedule", str(tmp_path / "missing.yaml"))
    assert offline.returncode == 1 and "FAIL schedule" in offline.stdout.replace("  ", " ")
    assert "Cannot read the schedule" in offline.stdout and "skip" in offline.stdout


@pytest.mark.slow
def test_a_stuck_crawl_is_never_doubled_and_is_stopped_at_its_timeout(tmp_path, news_web):
    news_web.held.add("/loop-a/news/2.html")
    service = Service(tmp_path, news_web, "jobs:\n  - sources: [loop-a]\n    every: 1s\n    timeout: 6s\n")
    service.start()
    try:
        _wait(lambda: "crawl timeout job=loop-a" in service.text(), 60, "the timeout", service)
        _wait(lambda: _query(service.db, "SELECT count(*) FROM crawl_runs WHERE status != 'running'")[0][0] >= 1,
              30, "the stopped run to be recorded", service)
        news_web.release()
        service.signal(signal.SIGTERM)
        assert service.wait(30) == 0
    finally:
        service.kill()
    log = service.text()
    assert "crawl skipped job=loop-a reason=still-running sources=loop-a" in log
    first_done = log.index("crawl done")
    assert log[:first_done].count("crawl start") == 1  # no second crawl of loop-a while the first ran
    assert "Traceback" not in log


def test_the_systemd_unit_runs_the_service_and_stops_it_within_its_promise():
    import configparser

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(REPO / "newsradar" / "deploy" / "newsradar.service")
    service = unit["Service"]
    assert " run " in service["ExecStart"] and "--schedule" in service["ExecStart"]
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert service["KillMode"] == "mixed" and service["KillSignal"] == "SIGTERM"
    assert 30 < int(service["TimeoutStopSec"]) <= 60
    assert service["Restart"] == "on-failure" and service["User"] == "newsradar"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    text = (REPO / "newsradar" / "deploy" / "newsradar.service").read_text()
    # The token lives in the EnvironmentFile (mode 600), never in the unit, which anyone can read.
    assert not [line for line in text.splitlines() if line.startswith("Environment=") and "TOKEN" in line]
    assert service["EnvironmentFile"] == "-/etc/newsradar.env"
