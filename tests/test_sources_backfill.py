"""Backfill: `newsradar crawl SOURCE --since DATE [--until DATE]` walks dated sitemaps, resumably.

Replayed from the fixture sites: Business Standard's monthly sitemaps, The Indian
Express's daily ones, and The Hindu's /sitemap/archive, which its robots.txt forbids.
"""
from __future__ import annotations

import json

import pytest

from storage import open_db
from tests.conftest import run_cli
from tests.test_sources_replay import build_warc, site_records

OCT_BS = "Tokyo investors eye Indian warehousing parks"
IE_22 = "India, Japan review bullet train progress"
IE_21 = "Japanese farm machine makers court Punjab"
IE_20 = "Delhi Metro adds coaches on Violet Line"


@pytest.fixture(scope="module")
def warc(tmp_path_factory):
    return build_warc(tmp_path_factory.mktemp("bf") / "sites.warc.gz",
                      site_records("business-standard", "indian-express", "the-hindu"))


def _titles(db_path) -> set[str]:
    return {r[0] for r in open_db(db_path).execute("SELECT title FROM articles")}


def _crawl(db_path, warc, *args):
    out = run_cli("--db", str(db_path), "crawl", *args, "--replay", str(warc), "--json")
    assert out.returncode == 0, out.stderr
    return {s["source"]: s for s in json.loads(out.stdout)}, out.stderr


@pytest.fixture(scope="module")
def walked(warc, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("bfdb") / "n.db"
    assert run_cli("--db", str(db_path), "rules", "add", "--chat", "3", "Tokyo").returncode == 0
    args = ("business-standard", "indian-express", "--since", "2025-10-30", "--until", "2025-11-21")
    first = _crawl(db_path, warc, *args)
    titles_first = _titles(db_path)
    again = _crawl(db_path, warc, *args)
    wider = _crawl(db_path, warc, "indian-express", "--since", "2025-10-30", "--until", "2025-11-22")
    return db_path, first, titles_first, again, wider


def test_backfill_stores_the_range_from_dated_sitemaps(walked):
    _, (runs, _), titles, _, _ = walked
    assert titles == {OCT_BS, IE_21, IE_20}  # 22 November is after --until
    assert runs["business-standard"]["articles_new"] == 1
    assert runs["indian-express"]["articles_new"] == 2
    # Days without a sitemap in the recording answer 404: recorded, not fatal.
    assert any("2025-november-1.xml" in e["url"] and "404" in e["reason"] for e in runs["business-standard"]["errors"])


def test_backfilled_old_articles_are_stored_never_alerted(walked):
    db_path, _, _, _, _ = walked
    assert json.loads(run_cli("--db", str(db_path), "alerts", "--json").stdout) == []
    found = json.loads(run_cli("--db", str(db_path), "articles", "--source", "business-standard", "--json").stdout)
    assert [a["title"] for a in found] == [OCT_BS]


def test_progress_line_on_stderr(walked):
    _, (_, stderr), _, _, _ = walked
    line = [ln for ln in stderr.splitlines() if ln.startswith("backfill business-standard, indian-express:")][-1]
    for word in ("archives", "pages", "articles 3", "errors", "ETA"):
        assert word in line, line


def test_running_it_again_fetches_nothing_stored(walked):
    _, _, _, (runs, _), _ = walked
    assert sum(r["pages"] for r in runs.values()) == 0
    assert sum(r["articles_new"] for r in runs.values()) == 0


def test_a_wider_range_fetches_only_what_is_new(walked):
    db_path, _, _, _, (runs, _) = walked
    assert runs["indian-express"]["pages"] == 1 and runs["indian-express"]["articles_new"] == 1
    assert IE_22 in _titles(db_path)


def test_an_interrupted_backfill_resumes_without_refetching(warc, tmp_path):
    db_path = tmp_path / "n.db"
    args = ("indian-express", "--since", "2025-11-20", "--until", "2025-11-22")
    # Stop after the first stored article, as Ctrl-C or a crash would.
    stopped, _ = _crawl(db_path, warc, *args, "-s", "CLOSESPIDER_ITEMCOUNT=1", "-s", "CONCURRENT_REQUESTS=1")
    stored_before = len(_titles(db_path))
    assert 1 <= stored_before < 3 and stopped["indian-express"]["status"] != "ok"
    resumed, _ = _crawl(db_path, warc, *args)
    assert _titles(db_path) == {IE_22, IE_21, IE_20}
    assert resumed["indian-express"]["pages"] == 3 - stored_before


def test_the_hindu_archive_is_off_limits_by_robots_txt(warc, tmp_path):
    # Declare The Hindu's dated archive as if it were usable: robots.txt must still keep us out.
    extra = tmp_path / "sources.yaml"
    extra.write_text("""
sources:
  the-hindu:
    title: The Hindu
    homepage: https://www.thehindu.com/
    language: en
    timezone: Asia/Kolkata
    allowed_domains: [thehindu.com]
    sitemaps: [https://www.thehindu.com/sitemap/googlenews/all/all.xml]
    archives:
      - {url: 'https://www.thehindu.com/sitemap/archive/all/{yyyy}{mm}{dd}_1.xml', period: day}
    article_pattern: '/article\\d+\\.ece$'
""")
    db_path = tmp_path / "n.db"
    out = run_cli("--db", str(db_path), "crawl", "the-hindu", "--since", "2025-11-20", "--until", "2025-11-20",
                  "--replay", str(warc), "--json", env={"NEWSRADAR_SOURCES": str(extra)})
    assert out.returncode == 0, out.stderr
    run = json.loads(out.stdout)[0]
    assert run["errors"] == [{"url": "https://www.thehindu.com/sitemap/archive/all/20251120_1.xml",
                              "reason": "robots.txt disallows it, so it was not fetched"}]
    assert _titles(db_path) == set()


@pytest.mark.parametrize("args, message", [
    (("the-hindu", "--since", "2025-11-01"),
     "The Hindu (the-hindu) has no dated archive to backfill from: its dated sitemaps live under "
     "/sitemap/archive, which robots.txt disallows."),
    (("business-standard", "--since", "2025-13-01"), "--since '2025-13-01' is not a date"),
    (("business-standard", "--since", "2025-11-02", "--until", "2025-11-01"), "is after --until"),
    (("business-standard", "--until", "2025-11-01"), "--until needs --since"),
    (("business-standard", "ndtv", "--since", "2025-11-01"), "(backfill business-standard on their own)"),
])
def test_backfill_refusals_are_one_sentence(tmp_path, args, message):
    out = run_cli("--db", str(tmp_path / "n.db"), "crawl", *args)
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
