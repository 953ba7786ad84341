"""Benchmark: story clustering quality, and dedup cost at 100,000 and 1,000,000 articles.

Table 1, quality: every article of the labelled set (tests/fixtures/dedup) is stored
through the real path (`upsert_article` + `assign_story`) in publication order, and
pairwise precision/recall of the resulting clusters is printed. A second row does the
same on an augmented set: each labelled story gets extra copies with random
syndication edits (trimmed to 40-100% of its paragraphs, a middle paragraph dropped,
a new dateline, boilerplate added, house-style substitutions), several seeds.

Table 2, scale: the index tables are filled with synthetic rows (random signatures and
band keys; the keys are hashes, so random keys are what real ones look like to the
B-tree) up to 100,000 and then 1,000,000 stored articles, and for fresh articles
(labelled ones and their copies, so lookups find candidates) it times the fingerprint,
and the lookup plus insert (`assign_story`: LSH candidates, MinHash check, story,
fingerprint and band rows), per article. The `articles` rows themselves are not
generated (their cost is the archive's, not dedup's).

    /work/venv/bin/python bench/bench_dedup.py                   # both tables, 100k and 1M
    /work/venv/bin/python bench/bench_dedup.py --sizes 10000 100000 --keep /tmp/dedup.db
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage import open_db, write  # noqa: E402
from storage.articles import upsert_article  # noqa: E402
from storage.fingerprints import BANDS, NUM_PERM, fingerprint  # noqa: E402
from storage.stories import assign_story  # noqa: E402
from tests.fixtures.dedup.labelled import (  # noqa: E402
    LabelledArticle, cluster_labelled, load_labelled, pairwise_scores,
)

SYNTHETIC_BASE = 10_000_000  # synthetic article ids start here, clear of real ones
# Synthetic story ids are negative: real stories take max(id) + 1 as they come.

DATELINES = ["NEW DELHI:", "Mumbai, (PTI)", "TOKYO —", "New Delhi [India] (ANI):", "Kolkata:", ""]
BOILERPLATE = [
    "(Only the headline and picture of this report may have been reworked by the staff; the rest of the content is auto-generated from a syndicated feed.)",
    "Also read: Markets today, what to watch before the opening bell",
    "(With inputs from agencies)",
    "Follow our live coverage for the latest updates.",
    "（共同通信の配信記事を掲載しています）",
    "(यह खबर समाचार एजेंसी की फीड से प्रकाशित की गई है।)",
]
STYLE = [(" per cent", "%"), ("Prime Minister", "PM"), ("said", "stated"), ("organisation", "organization"),
         ("kilometers", "km"), ("on Wednesday", "Wednesday")]


def augmented(articles: list[LabelledArticle], seeds: int) -> list[LabelledArticle]:
    out = list(articles)
    originals = [a for a in articles if not a.is_copy]
    for seed in range(seeds):
        rng = random.Random(seed)
        for a in originals:
            paragraphs = a.body.split("\n\n")
            keep = max(2, round(len(paragraphs) * rng.uniform(0.4, 1.0)))
            kept = paragraphs[:keep]
            if len(kept) > 3 and rng.random() < 0.3:
                del kept[rng.randrange(1, len(kept) - 1)]
            if rng.random() < 0.7:
                kept[0] = f"{rng.choice(DATELINES)} {kept[0].split(')', 1)[-1].strip()}"
            for old, new in STYLE:
                if rng.random() < 0.5:
                    kept = [p.replace(old, new) for p in kept]
            kept += rng.sample(BOILERPLATE, rng.randint(0, 2))
            out.append(LabelledArticle(
                key=f"{a.key}/aug{seed}", label=a.label, source=f"outlet{seed}", lang=a.lang,
                title=f"{a.title} ({seed})", body="\n\n".join(kept),
                published=a.published + _minutes(rng.randint(5, 600)), is_copy=True,
            ))
    out.sort(key=lambda x: (x.published, x.key))
    return out


def _minutes(n: int):
    import datetime as dt
    return dt.timedelta(minutes=n)


def quality_table(seeds: int) -> None:
    print("Table 1. Pairwise clustering quality (real storage path, publication order)")
    print(f"{'set':34} {'articles':>8} {'pairs same':>10} {'clustered':>9} {'precision':>9} {'recall':>7}")
    base = load_labelled()
    for name, articles in (("labelled", base), (f"labelled + {seeds} random copies/story", augmented(base, seeds))):
        with tempfile.TemporaryDirectory() as tmp:
            db = open_db(Path(tmp) / "q.db")
            scores = pairwise_scores(articles, cluster_labelled(db, articles))
            db.close()
        print(f"{name:34} {len(articles):>8} {scores['pairs_labelled_same']:>10} "
              f"{scores['pairs_clustered_same']:>9} {scores['precision']:>9.4f} {scores['recall']:>7.4f}")
    print()


def fill(path: Path, start: int, stop: int, rng: random.Random) -> float:
    """Synthetic stored articles start..stop-1 in the story and band tables; returns seconds."""
    began = time.perf_counter()
    conn = sqlite3.connect(path, timeout=60)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -1500000")  # 1.5 GB: the fill only, not the measurement
    conn.execute("PRAGMA synchronous = OFF")
    chunk = 50_000
    for lo in range(start, stop, chunk):
        hi = min(stop, lo + chunk)
        ids = range(SYNTHETIC_BASE + lo, SYNTHETIC_BASE + hi)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO stories(id, first_article_id, created_at) VALUES (?, ?, ?)",
                         ((-i, i, "2025-01-01T00:00:00Z") for i in ids))
        conn.executemany(
            "INSERT INTO article_fingerprints(article_id, story_id, signature, shingles, seen_at, joined, "
            "joined_at) VALUES (?, ?, ?, ?, ?, 'first', ?)",
            ((i, -i, os.urandom(4 * NUM_PERM), rng.randint(60, 900),
              f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z", "2025-01-01T00:00:00Z")
             for i in ids))
        bits = rng.getrandbits
        conn.executemany("INSERT INTO fingerprint_bands(key, article_id) VALUES (?, ?)",
                         ((bits(64) - (1 << 63), i) for i in ids for _ in range(BANDS)))
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - began


def measure(path: Path, articles: list[LabelledArticle], run: int) -> dict:
    """Store ``articles`` (shifted in time per run so runs do not match each other)."""
    shift = _minutes(60 * 24 * 30 * (run + 1))
    db = open_db(path)
    fp_ms, dedup_ms, copies = [], [], 0
    for a in articles:
        t0 = time.perf_counter()
        fp = fingerprint(a.title, a.body)
        t1 = time.perf_counter()
        with write(db):
            stored = upsert_article(db, {
                "url": f"https://{a.source}.example/{run}/{a.key}", "source": a.source, "title": a.title,
                "body": a.body, "published": a.published + shift,
            })
            t2 = time.perf_counter()
            join = assign_story(db, stored.article_id, fp, seen_at=a.published + shift)
            t3 = time.perf_counter()
        fp_ms.append((t1 - t0) * 1000)
        dedup_ms.append((t3 - t2) * 1000)
        copies += join.joined == "copy"
    db.close()
    return {"fp": fp_ms, "dedup": dedup_ms, "copies": copies}


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def scale_table(sizes: list[int], keep: Path | None, seeds: int) -> None:
    print("Table 2. Per-article cost with N articles already stored (ms)")
    print("(fill: seconds to add the synthetic rows; articles: fresh articles timed, 3 passes;\n"
          " copies: how many of them joined an earlier story)")
    print(f"{'stored':>10} {'fill s':>7} {'db MB':>7} {'articles':>8} {'copies':>6} "
          f"{'fingerprint p50/p95':>20} {'lookup+insert p50/p95':>22} {'mean':>6}")
    tmp = tempfile.TemporaryDirectory()
    path = keep or Path(tmp.name) / "scale.db"
    path.unlink(missing_ok=True)
    open_db(path).close()
    rng = random.Random(7)
    articles = augmented(load_labelled(), seeds)
    have = 0
    for run, size in enumerate(sorted(sizes)):
        took = fill(path, have, size, rng)
        have = size
        measure(path, articles[:20], run=1000 + run)  # warm the OS cache as a running crawl would be
        got = {"fp": [], "dedup": [], "copies": 0}
        for rep in range(3):  # three passes, each in its own time slice, pooled
            one = measure(path, articles, run=run * 10 + rep)
            got = {k: got[k] + one[k] for k in got}
        mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
        print(f"{size:>10,} {took:>7.1f} {mb:>7.0f} {len(articles):>8} {got['copies']:>6} "
              f"{statistics.median(got['fp']):>9.2f}/{_pct(got['fp'], 95):<10.2f} "
              f"{statistics.median(got['dedup']):>10.2f}/{_pct(got['dedup'], 95):<11.2f} "
              f"{statistics.mean(got['dedup']):>6.2f}")
    tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seeds", type=int, default=6, help="random copies per labelled story")
    parser.add_argument("--keep", type=Path, default=None, help="build the scale database here and keep it")
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    quality_table(args.seeds)
    if not args.quality_only:
        scale_table(args.sizes, args.keep, args.seeds)


if __name__ == "__main__":
    main()
