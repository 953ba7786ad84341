"""Crawl throughput on a recorded news web: articles/s and peak memory of `newsradar crawl`.

Builds a WARC of N generated articles per source (Business Standard Next.js pages,
The Hindu JSON-LD pages, The Japan Times pages, with their feeds and news sitemaps),
then runs the real CLI crawl over it in a subprocess, once with rules registered.
Prints wall time, CPU time, articles/s and the crawl process's peak resident memory,
next to a bare `python -c "import scrapy"` start-up for comparison.

    python bench/bench_crawl.py [--per-source 300]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsradar.demo import sites
from newsradar.demo.stories import Story
from newsradar.demo.web import DEMO_CAPTURE_TIME, WebRecord, write_warc

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
WORDS = ("government minister market growth policy talks summit trade exports investment "
         "court ruling election coalition monsoon rupee yen inflation budget railway port "
         "semiconductor technology defence security agreement delegation statement").split()


def _story(i: int, rng: random.Random) -> Story:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(35, 70))).capitalize() + "."
                  for _ in range(rng.randint(6, 14))]
    return Story(
        slug=f"generated-story-number-{i}", title=f"Generated story {i} on {rng.choice(WORDS)} and {rng.choice(WORDS)}",
        paragraphs=paragraphs, published=DEMO_CAPTURE_TIME.astimezone(IST) - dt.timedelta(minutes=i),
        authors=["Bench Desk"], section="Economy",
    )


def build_web(per_source: int, seed: int = 7) -> list[WebRecord]:
    rng = random.Random(seed)
    html = {"Content-Type": "text/html; charset=utf-8"}
    xml = {"Content-Type": "application/xml; charset=utf-8"}
    rss = {"Content-Type": "application/rss+xml; charset=utf-8"}
    records: list[WebRecord] = []
    layouts = [
        ("www.business-standard.com", lambda n: f"https://www.business-standard.com/economy/s-{n}-1251124{n:05d}_1.html",
         sites.business_standard_article, ["/rss/latest.rss", "/rss/home_page_top_stories.rss"],
         ["/sitemap/google-news-sitemap.xml", "/sitemap/latest-news-sitemap.xml"], sites.STANDARD),
        ("www.thehindu.com", lambda n: f"https://www.thehindu.com/news/national/s-{n}/article7{n:07d}.ece",
         sites.hindu_article, ["/feeder/default.rss"], ["/sitemap/googlenews/all/all.xml"], sites.HINDU),
        ("www.japantimes.co.jp", lambda n: f"https://www.japantimes.co.jp/news/2025/11/24/business/s-{n}/",
         sites.japantimes_article, ["/feed/"], ["/sitemap_news.xml"], sites.STANDARD),
    ]
    n = 0
    for host, make_url, page, feeds, maps, ns in layouts:
        listed = []
        for _ in range(per_source):
            n += 1
            story, url = _story(n, rng), make_url(n)
            listed.append((story, url))
            records.append(WebRecord(url, 200, html, page(story, url).encode()))
        half = len(listed) // 2
        records.append(WebRecord(f"https://{host}/robots.txt", 200, {"Content-Type": "text/plain"},
                                 sites.robots_txt(host).encode()))
        for path in feeds:
            records.append(WebRecord(f"https://{host}{path}", 200, rss,
                                     sites.rss_feed(host, f"https://{host}/", listed[:half]).encode()))
        for path in maps:
            records.append(WebRecord(f"https://{host}{path}", 200, xml,
                                     sites.news_sitemap(listed[half:], namespace=ns).encode()))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-source", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = write_warc(build_web(args.per_source), Path(tmp) / "bench.warc.gz")
        db = Path(tmp) / "bench.db"
        base = [sys.executable, "-m", "newsradar", "--db", str(db), "--log-level", "WARNING"]
        for rule in ("Modi + Takaichi", "semiconductor + Takaichi", "Nikkei OR Sensex"):
            subprocess.run([*base, "rules", "add", "--chat", "1", rule], check=True, capture_output=True)

        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import scrapy, trafilatura"], check=True)
        startup = time.perf_counter() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)

        t0 = time.perf_counter()
        out = subprocess.run([*base, "crawl", "business-standard", "the-hindu", "japan-times", "--replay", str(warc), "--json"],
                             check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import json
        summaries = json.loads(out.stdout)
        stored = sum(s["articles_new"] for s in summaries)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak_mb = after.ru_maxrss / 1024  # Linux reports KiB; the largest child so far
        print(f"recorded web: {3 * args.per_source} articles in {warc.stat().st_size / 1e6:.1f} MB of WARC")
        print(f"{'':28}{'wall s':>9}{'cpu s':>9}{'articles/s':>12}{'peak RSS MB':>13}")
        print(f"{'newsradar crawl (3 sources)':28}{wall:9.2f}{cpu:9.2f}{stored / wall:12.1f}{peak_mb:13.0f}")
        print(f"{'(python startup + imports)':28}{startup:9.2f}")
        for s in summaries:
            for e in s["errors"]:
                print(f"  error: {s['source']}: {e['url']}: {e['reason']}")
        print(f"stored {stored} articles, {sum(s['alerts'] for s in summaries)} alerts, "
              f"{sum(len(s['errors']) for s in summaries)} errors; "
              f"excluding start-up: {stored / max(wall - startup, 1e-9):.1f} articles/s")


if __name__ == "__main__":
    main()
