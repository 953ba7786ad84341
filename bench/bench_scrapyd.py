"""Crawl throughput on Scrapyd nodes: articles/s with 1 and with 2 nodes, same recorded web.

Builds bench_crawl's generated web (N articles per source for Business Standard, The
Hindu and The Japan Times, with their feeds and news sitemaps) into a WARC, then for
each setup: a fresh SQLite file, fresh `scrapyd` processes on 127.0.0.1, `newsradar
deploy`, and one batch of the three sources through the scrapyd launcher (one job per
source, each on the least busy node), timed from the first schedule.json to the last
job's end. A local `newsradar crawl --all` (one process, three spiders) is the baseline.

All nodes share this machine's cores: on a 2-core machine a second node adds a second
daemon and a second set of spider-list and polling work, not CPU, so it shows the
overhead of the extra node, not a speed-up. Nodes on separate machines are where the
second one pays.

    python bench/bench_scrapyd.py [--per-source 150]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_crawl import build_web  # noqa: E402
from newsradar.config import load_config  # noqa: E402
from newsradar.demo.web import write_warc  # noqa: E402
from newsradar.scrapyd import ScrapydLauncher, build_egg, deploy, egg_version  # noqa: E402
from scrapers.registry import load_sources  # noqa: E402
from storage import open_db  # noqa: E402
from tests.support.scrapyd_nodes import ScrapydNode  # noqa: E402

SOURCES = ("business-standard", "the-hindu", "japan-times")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants, crawls included
    return usage.ru_utime + usage.ru_stime


def run_nodes(count: int, warc: Path, folder: Path) -> dict:
    folder.mkdir()
    db_path = folder / "bench.db"
    open_db(db_path).close()
    cpu_before = _cpu()
    nodes = [ScrapydNode(folder / f"node{i}").start() for i in range(count)]
    try:
        version = egg_version()
        results = deploy([n.url for n in nodes], version=version, egg=build_egg(version))
        assert all("error" not in r for r in results), results
        config = load_config(str(db_path), env={"NEWSRADAR_CRAWL_LAUNCHER": "scrapyd",
                                                "NEWSRADAR_SCRAPYD_NODES": ",".join(n.url for n in nodes)})
        launcher = ScrapydLauncher(config, replay=warc, known_sources=load_sources, poll=0.2)
        db = open_db(db_path)
        launcher.db = db
        # The first schedule.json of a version makes each node list the egg's spiders
        # (a Scrapy process of its own): do it before the clock starts, as a long-lived
        # deployment would have.
        for node in launcher.nodes:
            node.spiders()
        t0 = time.perf_counter()
        code = asyncio.run(launcher.run_sources("bench", SOURCES, dt.timedelta(minutes=30)))
        wall = time.perf_counter() - t0
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        spread = {n.url: len(n.jobs()["finished"]) for n in nodes}
        db.close()
    finally:
        for node in nodes:
            node.stop()
    return {"wall": wall, "cpu": _cpu() - cpu_before, "stored": stored, "code": code, "spread": spread}


def run_local(warc: Path, folder: Path) -> dict:
    folder.mkdir()
    db = folder / "bench.db"
    cpu_before = _cpu()
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsradar", "--db", str(db), "--log-level", "WARNING", "crawl",
                    *SOURCES, "--replay", str(warc)], check=True, capture_output=True)
    wall = time.perf_counter() - t0
    conn = open_db(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    return {"wall": wall, "cpu": _cpu() - cpu_before, "stored": stored, "code": 0, "spread": {}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-source", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each setup; the fastest is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scrapyd-") as tmp:
        root = Path(tmp)
        warc = write_warc(build_web(args.per_source), root / "bench.warc.gz")
        print(f"recorded web: {3 * args.per_source} articles from 3 sources, {warc.stat().st_size / 1e6:.1f} MB "
              f"of WARC; {os.cpu_count()} CPU cores; fastest of {args.repeat} runs each")
        setups = [("local: newsradar crawl (1 process)", lambda f: run_local(warc, f))]
        for count in (1, 2):
            setups.append((f"scrapyd: {count} node{'s' if count > 1 else ''} (1 job/source)",
                           lambda f, count=count: run_nodes(count, warc, f)))
        runs: dict[str, list[dict]] = {label: [] for label, _ in setups}
        for i in range(args.repeat):  # interleaved, so a busy spell on the machine hits every setup
            for n, (label, run) in enumerate(setups):
                runs[label].append(run(root / f"{n}-{i}"))
        print(f"{'':38}{'wall s':>8}{'cpu s*':>8}{'articles':>10}{'articles/s':>12}{'slowest':>9}  jobs per node")
        best = {}
        for label, results in runs.items():
            rates = [r["stored"] / r["wall"] for r in results]
            r = best[label] = max(results, key=lambda r: r["stored"] / r["wall"])
            spread = " + ".join(str(v) for v in r["spread"].values()) or "-"
            print(f"{label:38}{r['wall']:8.2f}{r['cpu']:8.2f}{r['stored']:10d}{max(rates):12.1f}{min(rates):9.1f}"
                  f"  {spread}")
        print("* CPU of every process the setup started: crawls, and for Scrapyd the daemons from start to stop "
              "and the spider listing a deploy runs on each node.")
        one, two = (best[label] for label, _ in setups[1:])
        change = (two["stored"] / two["wall"]) / (one["stored"] / one["wall"]) - 1
        print(f"2 nodes vs 1: {change:+.0%} articles/s. On this {os.cpu_count()}-core machine both nodes share "
              "the same cores, so a second node cannot add CPU: what it adds is overhead (a second daemon, "
              "its polling, its spider listing), not a speed-up. Nodes on separate machines are where it pays.")


if __name__ == "__main__":
    main()
