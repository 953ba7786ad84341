"""Score article extraction on the real pages with ground truth, ours against plain trafilatura.

Run:  python bench/bench_extraction.py [--repeat N] [--verbose]

Reads ../shared/fixtures/real/ (next to the repository). Gold data: fundus expected
outputs (title, body, date), article-extraction-benchmark bodies, htmldate gold
dates, newspaper4k's 2018 Nikkei metadata. Prints, for both extractors: body token
F1 (bag of tokens; a Japanese/Chinese character is one token), title exact-match
rate (after NFKC and whitespace folding), date accuracy (calendar day) and pages/s
of CPU time on one core over all the real pages. Plain trafilatura is run twice:
bare_extraction with metadata (title and date scored) and extract for the body alone
(the speed a body-only caller gets).
"""

from __future__ import annotations

import argparse
import csv
import html as html_lib
import json
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import regex
import trafilatura

from scrapers.extract import extract_article

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"
_TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\p{L}\p{M}\p{N}]+")
_SPACE = regex.compile(r"\s+")


@dataclass
class Page:
    file: str
    url: str
    tz: str
    html: str
    gold_title: str | None = None
    gold_body: str | None = None
    gold_date: date | None = None
    sources: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def tokens(text: str) -> Counter:
    return Counter(t.casefold() for t in _TOKEN.findall(unicodedata.normalize("NFKC", text)))


def f1(predicted: str, gold: str) -> tuple[float, float, float]:
    p, g = tokens(predicted), tokens(gold)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _fundus_body(entry: dict) -> str:
    body = entry.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += section.get("headline") or []
        parts += section.get("paragraphs") or []
    return "\n\n".join(parts)


def load_pages() -> list[Page]:
    manifest = list(csv.DictReader((REAL / "manifest.tsv").open(encoding="utf-8"), delimiter="\t"))
    truth = REAL / "groundtruth"
    fundus = []
    for path in sorted(truth.glob("fundus_*.json")):
        if not path.name.endswith("meta.info.json"):
            fundus.extend(json.loads(path.read_text(encoding="utf-8")).values())
    aeb = json.loads((truth / "aeb_subset.json").read_text(encoding="utf-8"))
    aeb_by_url = {v["url"]: v["articleBody"] for v in aeb.values()}
    htmldate_gold = json.loads((truth / "htmldate_subset.json").read_text(encoding="utf-8"))
    n4k = json.loads((truth / "newspaper4k_nikkei_2018.json").read_text(encoding="utf-8"))

    pages = []
    for row in manifest:
        if not row["file"].startswith("html/"):
            continue
        text = (REAL / row["file"]).read_text(encoding="utf-8", errors="replace")
        page = Page(row["file"], row["original_url"], "Asia/Tokyo" if row["country"] == "JP" else "Asia/Kolkata", text)
        folded = fold(html_lib.unescape(text))
        for entry in fundus:
            title = entry.get("title")
            if title and fold(title)[:40] in folded:
                page.gold_title, page.gold_body = title, _fundus_body(entry)
                page.gold_date = datetime.fromisoformat(entry["publishing_date"]).date()
                page.sources.append("fundus")
                break
        if row["original_url"] in aeb_by_url:
            page.gold_body = aeb_by_url[row["original_url"]]
            page.sources.append("aeb")
        for key, value in htmldate_gold.items():
            if any(v and v.split()[-1].endswith(key) for v in row.values() if isinstance(v, str)):
                page.gold_date = date.fromisoformat(value["gold_date"])
                page.sources.append("htmldate")
        if row["original_url"] == n4k["url"]:
            page.gold_body = n4k["text"]
            page.gold_date = datetime.fromisoformat(n4k["publish_date"]).date()
            page.sources.append("newspaper4k")
        pages.append(page)
    return pages


def run_ours(page: Page) -> tuple[str, str | None, date | None]:
    ex = extract_article(page.html, page.url, default_tz=page.tz)
    return ex.body, ex.title, ex.published.date() if ex.published else None


def run_trafilatura(page: Page) -> tuple[str, str | None, date | None]:
    doc = trafilatura.bare_extraction(
        page.html, url=page.url, favor_precision=True, include_comments=False, with_metadata=True
    )
    if doc is None:
        return "", None, None
    found = doc.date
    return doc.text or "", doc.title, date.fromisoformat(found[:10]) if found else None


def run_trafilatura_body(page: Page) -> tuple[str, str | None, date | None]:
    """trafilatura.extract as the spider would call it for the body alone (no metadata)."""
    text = trafilatura.extract(page.html, url=page.url, favor_precision=True, include_comments=False)
    return text or "", None, None


def score(name: str, runner, pages: list[Page], repeat: int, verbose: bool) -> dict:
    outputs = {}
    for page in pages:  # one untimed pass: imports, compiled patterns and caches warm up, as in a crawl
        runner(page)
    started = time.process_time()
    for _ in range(repeat):
        for page in pages:
            outputs[page.file] = runner(page)
    cpu = time.process_time() - started
    f1s, titles, dates = [], [], []
    for page in pages:
        body, title, day = outputs[page.file]
        if page.gold_body:
            f1s.append(f1(body, page.gold_body))
        if page.gold_title:
            titles.append(title is not None and fold(title) == fold(page.gold_title))
        if page.gold_date:
            dates.append(day == page.gold_date)
        if verbose:
            p, r, f = f1(body, page.gold_body) if page.gold_body else (0, 0, float("nan"))
            print(f"  {name:12} {page.file[5:45]:40} F1={f:.3f} P={p:.2f} R={r:.2f} "
                  f"title={'ok' if page.gold_title and title and fold(title) == fold(page.gold_title) else '-'} "
                  f"date={day} gold={page.gold_date}", file=sys.stderr)
    return {
        "name": name,
        "f1": sum(f for _, _, f in f1s) / len(f1s),
        "precision": sum(p for p, _, _ in f1s) / len(f1s),
        "recall": sum(r for _, r, _ in f1s) / len(f1s),
        "bodies": len(f1s),
        "title": sum(titles) / len(titles),
        "titles": len(titles),
        "date": sum(dates) / len(dates),
        "dates": len(dates),
        "pps": len(pages) * repeat / cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="passes over the pages for the speed figure")
    parser.add_argument("--verbose", action="store_true", help="per-page scores on stderr")
    args = parser.parse_args()
    if not REAL.is_dir():
        sys.exit(f"No real pages at {REAL}: the benchmark needs ../shared/fixtures/real/.")
    pages = load_pages()
    # Warm both up once (imports, caches) outside the timing.
    run_ours(pages[0]), run_trafilatura(pages[0])
    rows = [score("newsradar", run_ours, pages, args.repeat, args.verbose),
            score("trafilatura bare_extraction", run_trafilatura, pages, args.repeat, args.verbose),
            score("trafilatura extract (body only)", run_trafilatura_body, pages, args.repeat, args.verbose)]
    counts = rows[0]
    print(f"{len(pages)} real pages; gold bodies {counts['bodies']}, titles {counts['titles']}, dates {counts['dates']}")
    print("| extractor | body F1 | precision | recall | title exact | date right | pages/s (1 core) |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        title = f"{row['title']:.0%}" if row["name"] != "trafilatura extract (body only)" else "n/a"
        day = f"{row['date']:.0%}" if row["name"] != "trafilatura extract (body only)" else "n/a"
        print(f"| {row['name']} | {row['f1']:.3f} | {row['precision']:.3f} | {row['recall']:.3f} | "
              f"{title} | {day} | {row['pps']:.1f} |")
    print("trafilatura settings: favor_precision=True, include_comments=False (bare_extraction with_metadata=True).")


if __name__ == "__main__":
    main()
