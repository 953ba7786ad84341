"""Idle cost of `newsradar run`: CPU per hour and memory when nothing is new.

Twenty sources, each on its own loopback HTTP server (so each crawl also fetches twenty
robots.txt), each its own job in schedule.yaml polled "every 5 minutes" with time
compressed: every --period seconds stands for 5 minutes, so --cycles 12 is one hour
(288 is the whole day). The first crawl stores each source's few articles and the feeds'
ETags; from then on every feed answers 304 Not Modified.

Phase 1 measures the crawls: CPU of the service and its crawl processes (from /proc,
children counted once reaped) and the crawls' peak resident memory. Phase 2 edits
schedule.yaml to poll hourly (the service reloads it) and measures the service idle.
CPU per real hour = idle rate x 3600 s + 12 crawls x CPU per crawl.

Measured on the shared 2-core build box, 12 cycles of 15 s, 2026-11-26: one crawl process
per slot for the 20 jobs, 2.39 CPU s each; `run` 5.4 CPU s per idle hour; 34.2 CPU s per
hour in all (0.95% of one core; target 5%); `run` idle 57 MB resident (target 150 MB),
crawl peak 101 MB (target 300 MB). With --telegram (the bot long-polling the Bot API
double): `run` idle 64 MB and 8.4 CPU s per hour.

    python bench/bench_idle.py [--cycles 12] [--period 15] [--idle 60] [--telegram]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
SOURCES = 20


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        port = self.server.server_port
        self.server.hits += 1
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self.server.not_modified += 1
                return self._send(304, b"", "application/rss+xml")
            items = "".join(f"<item><title>Story {n}</title><link>http://127.0.0.1:{port}/news/{n}.html</link></item>"
                            for n in range(3))
            return self._send(200, f"<rss version='2.0'><channel><title>s</title>{items}</channel></rss>".encode(),
                              "application/rss+xml")
        if self.path.startswith("/news/"):
            n = self.path.split("/")[-1].split(".")[0]
            title = f"Port {port} story {n} on trade talks and a coastal fund"
            body = "".join(f"<p>Paragraph {i} of story {n} from port {port}: the ministers met again.</p>" for i in range(6))
            return self._send(200, (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                                    f"{body}</article></body></html>").encode(), "text/html; charset=utf-8")
        return self._send(404, b"no", "text/plain")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve() -> list[ThreadingHTTPServer]:
    servers = []
    for _ in range(SOURCES):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.hits = server.not_modified = 0
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def _cpu(pid: int) -> tuple[float, float]:
    """(own, reaped children) CPU seconds of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime) / TICKS, (cutime + cstime) / TICKS


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _crawls_done(log: Path) -> int:
    return log.read_text(errors="replace").count("crawl done")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=12, help="compressed 5-minute slots to measure (12 = 1 hour)")
    parser.add_argument("--period", type=float, default=15.0, help="real seconds standing for 5 minutes")
    parser.add_argument("--idle", type=float, default=60.0, help="real seconds of the idle measurement")
    parser.add_argument("--telegram", action="store_true",
                        help="also run the bot (long polling) against the Bot API double from tests/support")
    args = parser.parse_args()
    double = None
    if args.telegram:
        sys.path.insert(0, str(REPO))
        from tests.support.telegram_double import TEST_TOKEN, TelegramDouble

        double = TelegramDouble()
        double.start()

    servers = _serve()
    tmp = Path(tempfile.mkdtemp(prefix="newsradar-idle-"))
    names = [f"src{i:02d}" for i in range(SOURCES)]
    lines = ["sources:"]
    for name, server in zip(names, servers):
        base = f"http://127.0.0.1:{server.server_port}"
        lines += [f"  {name}:", f"    title: Source {name}", f"    homepage: {base}/", "    language: en",
                  "    allowed_domains: ['127.0.0.1']", f"    feeds: ['{base}/feed.xml']",
                  "    article_pattern: '/news/\\d+\\.html$'"]
    (tmp / "sources.yaml").write_text("\n".join(lines) + "\n")
    schedule = tmp / "schedule.yaml"

    def write_schedule(every: str) -> None:
        jobs = "".join(f"  - sources: [{n}]\n    every: {every}\n" for n in names)
        schedule.write_text(f"jobs:\n{jobs}")

    write_schedule(f"{args.period:g}s")
    env = {**os.environ, "NEWSRADAR_SOURCES": str(tmp / "sources.yaml")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    if double is not None:
        env.update(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=double.url)
    log = tmp / "service.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "newsradar", "--db", str(tmp / "n.db"), "--log-level", "INFO",
                                 "run", "--schedule", str(schedule)], cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        # Warm-up: the first crawl stores the articles and the ETags.
        deadline = time.monotonic() + 120
        while _crawls_done(log) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        first = sum(s.not_modified for s in servers)
        own0, kids0 = _cpu(proc.pid)
        done0, t0 = _crawls_done(log), time.monotonic()
        peak_crawl_kb = 0
        while _crawls_done(log) < done0 + args.cycles:
            for child in _children(proc.pid):
                try:
                    peak_crawl_kb = max(peak_crawl_kb, _status_kb(child, "VmHWM"))
                except OSError:
                    pass
            time.sleep(0.1)
            if proc.poll() is not None:
                raise SystemExit("the service stopped:\n" + log.read_text()[-2000:])
        while _children(proc.pid):  # let the last crawl be reaped so its CPU is counted
            time.sleep(0.05)
        time.sleep(0.3)
        own1, kids1 = _cpu(proc.pid)
        wall1 = time.monotonic() - t0
        crawls = _crawls_done(log) - done0
        not_modified = sum(s.not_modified for s in servers) - first
        starts = log.read_text().count("crawl start")

        # Phase 2: poll hourly (reloaded without a restart) and watch the service idle.
        write_schedule("1h")
        deadline = time.monotonic() + 30
        while "schedule reloaded" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        while _children(proc.pid):
            time.sleep(0.1)
        time.sleep(2)
        own2, _ = _cpu(proc.pid)
        t2 = time.monotonic()
        time.sleep(args.idle)
        own3, _ = _cpu(proc.pid)
        idle_rate = (own3 - own2) / (time.monotonic() - t2)
        rss_idle = _status_kb(proc.pid, "VmRSS")
        hwm_run = _status_kb(proc.pid, "VmHWM")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        if double is not None:
            double.stop()

    crawl_cpu = (kids1 - kids0) / crawls
    run_per_crawl = max(0.0, (own1 - own0) - idle_rate * wall1) / crawls
    per_hour = idle_rate * 3600 + 12 * (crawl_cpu + run_per_crawl)
    print(f"sources: {SOURCES}, one job each, polled every 5 min ({args.period:g} s compressed); "
          f"{crawls} crawl processes for {args.cycles} slots x {SOURCES} jobs "
          f"({starts} crawl starts in all), {not_modified} feed answers were 304")
    print(f"crawl process: {crawl_cpu:.2f} CPU s each (start-up, 20 robots.txt, 20 conditional GETs)")
    print(f"run, per crawl: {run_per_crawl:.3f} CPU s; run, idle: {idle_rate * 3600:.1f} CPU s per hour")
    print(f"CPU per hour (12 slots): {per_hour:.1f} s = {per_hour / 36:.2f}% of one core (target <= 5%)")
    print(f"CPU per day (288 slots): {per_hour * 24:.0f} s")
    print(f"memory{' (with the bot polling)' if double else ''}: run idle {rss_idle / 1024:.0f} MB resident (peak {hwm_run / 1024:.0f} MB; target < 150 MB); "
          f"crawl peak {peak_crawl_kb / 1024:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
