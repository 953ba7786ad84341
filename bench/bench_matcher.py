"""Benchmark: one article against 10,000 and 100,000 watchlist rules.

Rules of mixed shapes (single names, Modi + Takaichi pairs, phrases, OR lists,
exclusions, prefixes, NEAR, title:, source:, lang:) are generated over a vocabulary of
made-up names; articles are 1,000 words of ordinary words with names sprinkled in,
typographic quotes included, the way English news pages come. Popular names are popular
in both rules and articles (Zipf), which is what makes candidate lists long.

For each rule count it prints p50/p95 per article for the indexed Matcher (tokenising
included) and, in the same run, for the naive loop that checks every rule (same compiled
checks, no index), and their ratio. Per-article times are CPU time of this process by
default, the fastest of `--repeat` runs, which stays meaningful when other jobs share
the cores (`--clock wall` for wall-clock time).

    /work/venv/bin/python bench/bench_matcher.py                 # 10k and 100k rules
    /work/venv/bin/python bench/bench_matcher.py --rules 1000 --articles 20
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import resource
import statistics
import time
from pathlib import Path

from rules import Document, Matcher, analyze, parse

SYLLABLES = ("ka ki ta mo di sha na ra ya shi to ko ma ni ha su ro ji ban gal pur nag "
             "wa lan dor vik tam sen cho rin el an or us ber gan hal mir").split()


def _made_up_words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*syllables)))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


class Zipf:
    """Draw items with probability proportional to 1 / rank**s."""

    def __init__(self, items: list[str], s: float):
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (r ** s) for r in range(1, len(items) + 1)))

    def __call__(self, rng: random.Random) -> str:
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, x)]


def make_vocabulary(rng: random.Random) -> tuple[Zipf, Zipf, Zipf]:
    """Ordinary words, names as articles mention them, names as rules watch them.

    Both name distributions rank the same names, but watchlists spread over many more
    of them (people watch their own niche) than articles mention (news repeats a few).
    """
    common = _made_up_words(rng, 5_000, (1, 3))
    names = [w.capitalize() for w in _made_up_words(rng, 150_000, (3, 5)) if w not in common]
    return Zipf(common, 1.0), Zipf(names, 1.0), Zipf(names, 0.5)


def make_rule(rng: random.Random, names: Zipf, common: Zipf) -> str:
    a, b, c = names(rng), names(rng), names(rng)
    shape = rng.random()
    if shape < 0.20:
        return a
    if shape < 0.45:
        return f"{a} + {b}"
    if shape < 0.55:
        return f'"{a} {b}"'
    if shape < 0.65:
        return f"{a} OR {b} OR {c}"
    if shape < 0.72:
        return f"{a} -{common(rng)}"
    if shape < 0.77:
        return f"{a[:max(6, len(a) - 2)]}*"
    if shape < 0.82:
        return f"{a} NEAR/5 {b}"
    if shape < 0.87:
        return f"title:{a} + {b}"
    if shape < 0.92:
        return f"{a} source:{rng.choice(['business-standard', 'nikkei', 'the-hindu'])}"
    if shape < 0.95:
        return f"{a} + {b} lang:en"
    return f'({a} OR "{b} {c}") + {names(rng)} -{common(rng)}'


def make_article(rng: random.Random, names: Zipf, common: Zipf, size: int = 1_000) -> Document:
    def text(n: int) -> str:
        out = []
        for i in range(n):
            word = names(rng) if rng.random() < 0.04 else common(rng)
            if i % 17 == 0:
                word = f"“{word}”"
            elif i % 23 == 0:
                word += "’s"
            out.append(word)
            if i % 12 == 11:
                out[-1] += "."
        return " ".join(out)
    return Document(title=text(12), body=text(size), source="business-standard", lang="en")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(rule_count: int, articles: list[Document], naive_articles: int,
        names: Zipf, common: Zipf, rng: random.Random, clock=time.process_time,
        repeat: int = 3) -> None:
    texts = [make_rule(rng, names, common) for _ in range(rule_count)]
    started = time.perf_counter()
    matcher = Matcher()
    for i, text in enumerate(texts):
        matcher.add(i, parse(text))
    built = time.perf_counter() - started

    def timed(work) -> float:
        # The fastest of a few runs: other jobs on a shared machine only ever add time.
        best = float("inf")
        for _ in range(repeat):
            t0 = clock()
            work()
            best = min(best, clock() - t0)
        return best

    def explain_all(doc: Document) -> None:
        for match in matcher.match(doc):
            match.hits

    indexed, explained, analysis, candidates, matched = [], [], [], [], []
    for doc in articles:
        indexed.append(timed(lambda: matcher.match(doc)))
        matched.append(len(matcher.match(doc)))
        explained.append(timed(lambda: explain_all(doc)))
        analysis.append(timed(lambda: analyze(doc)))
        candidates.append(len(matcher.candidates(analyze(doc))))

    naive = []
    for doc in articles[:naive_articles]:
        t0 = clock()
        ids = matcher.check_all(doc)
        naive.append(clock() - t0)
        assert ids == [m.rule_id for m in matcher.match(doc)], "index and naive loop disagree"

    # The reference evaluator (scanning word lists, rule by rule) is far slower: time it on
    # a sample of rules and scale up rather than wait for it.
    sample = [parse(t) for t in texts[:1_000]]
    adoc = analyze(articles[0])
    t0 = clock()
    for rule in sample:
        rule.matches(adoc)
    reference = (clock() - t0) * rule_count / len(sample)

    ms = 1000
    p50, p95 = percentile(indexed, 0.5) * ms, percentile(indexed, 0.95) * ms
    n50 = percentile(naive, 0.5) * ms
    print(f"{rule_count:>7,} rules  built in {built:5.1f} s   "
          f"indexed p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
          f"(tokenising p50 {percentile(analysis, 0.5) * ms:.2f} ms, "
          f"candidates p50 {statistics.median(candidates):,.0f}, "
          f"matches p50 {statistics.median(matched):.0f})")
    print(f"{'':>7}        with every match's hits worked out: "
          f"p50 {percentile(explained, 0.5) * ms:6.2f} ms  "
          f"p95 {percentile(explained, 0.95) * ms:6.2f} ms")
    print(f"{'':>7}        naive loop p50 {n50:8.1f} ms over {len(naive)} articles   "
          f"ratio naive/indexed {n50 / p50:,.0f}x")
    print(f"{'':>7}        reference evaluator on every rule: ~{reference:,.1f} s per article "
          f"(from {len(sample):,} rules)")


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"


def time_real_articles() -> None:
    """Tokenising cost on real articles in each script, when the shared fixtures are there."""
    folder = SHARED / "groundtruth"
    if not folder.is_dir():
        print("(shared real fixtures not found: skipping the per-script tokenising figures)")
        return
    for path in sorted(folder.glob("fundus_*.json")):
        record = next(iter(json.loads(path.read_text(encoding="utf-8")).values()))
        if "body" not in record:
            continue
        body = "\n\n".join(p for sec in record["body"]["sections"] for p in sec["paragraphs"])
        doc = Document(title=record.get("title") or "", body=body)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            analyze(doc)
            times.append(time.perf_counter() - t0)
        words = len(analyze(doc).words("body"))
        print(f"  tokenising {path.stem[7:]:<24} {len(body):>6,} chars {words:>6,} tokens  "
              f"p50 {percentile(times, 0.5) * 1000:5.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--naive-articles", type=int, default=5)
    parser.add_argument("--words", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each article this many times and keep the fastest")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                        help="per-article times in CPU time of this process (steady on a "
                             "shared machine) or wall-clock time")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    rng = random.Random(args.seed)
    common, mentioned, watched = make_vocabulary(rng)
    articles = [make_article(rng, mentioned, common, args.words) for _ in range(args.articles)]
    words = sum(len(analyze(d).words("body")) for d in articles) / len(articles)
    print(f"{len(articles)} articles of ~{words:,.0f} words; seed {args.seed}; "
          f"{args.clock} time per article, fastest of {args.repeat} runs")
    for count in args.rules:
        run(count, articles, args.naive_articles, watched, common, rng, clock, args.repeat)
    time_real_articles()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
