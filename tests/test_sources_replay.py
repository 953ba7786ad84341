"""Every registered source, crawled through the real spider from a WARC of pages in its site's structure.

tests/fixtures/sites/<source>/ holds what each site served (site.yaml lists URL, file
and Content-Type): feeds, news sitemaps, a JSON news API, HTML listing pages, and
article pages with JSON-LD, __NEXT_DATA__, microdata, a live blog, a Hindi page and a
Shift_JIS Japanese page. All sources are crawled together in one process.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from newsradar.demo.web import DEMO_CAPTURE_TIME, WebRecord, write_warc
from scrapers.registry import load_sources
from storage import open_db
from tests.conftest import run_cli

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"


def site_records(*names: str, skip: tuple[str, ...] = ()) -> list[WebRecord]:
    """The recorded responses of the named fixture sites (all of them when none are named)."""
    records = []
    for folder in sorted(p for p in SITES.iterdir() if p.is_dir()):
        if names and folder.name not in names:
            continue
        spec = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
        for rec in spec["records"]:
            if rec["url"] in skip:
                continue
            body = (folder / rec["file"]).read_bytes()
            headers = {"Content-Type": rec["type"], "Content-Length": str(len(body)), **rec.get("headers", {})}
            records.append(WebRecord(rec["url"], rec.get("status", 200), headers, body))
    return records


def build_warc(path: Path, records: list[WebRecord], capture_time=DEMO_CAPTURE_TIME) -> Path:
    return write_warc(records, path, capture_time=capture_time)


# Source -> the titles it must store from its fixture site.
EXPECTED = {
    "business-standard": ["India-Japan shipbuilding pact targets Kochi yard upgrade"],
    "the-hindu": ["India, Japan coast guards hold joint drill off Chennai"],
    "times-of-india": ["Japanese carmaker to double Gujarat battery output"],
    "ndtv": ["Japan Offers Flood-Warning Radars For Assam Rivers"],
    "hindustan-times": ["Japanese language schools see record enrolment in Pune"],
    "indian-express": ["India, Japan review bullet train progress"],
    "mint": ["Japanese banks raise lending to Indian renewables"],
    "economic-times": ["India-Japan trade talks focus on pharma approvals"],
    "pib": ["भारत और जापान ने स्वच्छ ऊर्जा पर संयुक्त कार्य समूह बनाया"],
    "mea": ["Visit of the Foreign Minister of Japan to India"],
    "japan-times": ["Japan and India open talks on joint defense equipment"],
    "nhk-world": ["Japanese firms plan more investment in India, survey shows"],
    "nhk": ["日印外相が電話会談 経済安全保障で連携確認"],
    "kyodo": ['Japan, India to hold "2-plus-2" talks in December'],
    "nikkei-asia": ["Japanese parts makers follow carmakers into India"],
    "mofa-japan": ["Japan-India Foreign Ministers' Telephone Talk", "日・インド外相電話会談"],
    "reuters": ["Japan, India agree rare earths supply pact"],
    "ap": ["Japan to share tsunami warning know-how with India"],
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sites")
    warc = build_warc(folder / "sites.warc.gz", site_records())
    db_path = folder / "n.db"
    assert run_cli("--db", str(db_path), "rules", "add", "--chat", "5", "Japan").returncode == 0
    first = run_cli("--db", str(db_path), "crawl", *EXPECTED, "--replay", str(warc), "--json")
    assert first.returncode == 0, first.stderr
    second = run_cli("--db", str(db_path), "crawl", *EXPECTED, "--replay", str(warc), "--json")
    assert second.returncode == 0, second.stderr
    return db_path, {s["source"]: s for s in json.loads(first.stdout)}, json.loads(second.stdout)


def _articles(db_path: Path) -> dict[str, dict]:
    db = open_db(db_path)
    return {r["url"]: r for r in db.query("SELECT * FROM articles")}


def test_every_registered_source_has_a_fixture_site():
    assert set(load_sources()) == set(EXPECTED) == {p.name for p in SITES.iterdir() if p.is_dir()}


def test_each_source_stores_its_articles(crawled):
    db_path, runs, _ = crawled
    stored: dict[str, set[str]] = {}
    for row in _articles(db_path).values():
        stored.setdefault(row["source"], set()).add(row["title"])
    for source, titles in EXPECTED.items():
        assert set(titles) <= stored.get(source, set()), (source, runs[source]["errors"])
        assert runs[source]["status"] == "ok", (source, runs[source])


def test_pages_in_other_scripts_come_out_as_text(crawled):
    db_path, _, _ = crawled
    rows = {r["title"]: r for r in _articles(db_path).values()}
    hindi = rows["भारत और जापान ने स्वच्छ ऊर्जा पर संयुक्त कार्य समूह बनाया"]
    assert "हरित हाइड्रोजन" in hindi["body"] and hindi["language"] == "hi"
    shift_jis = rows["日・インド外相電話会談"]  # served as Shift_JIS, declared only in <meta>
    assert "経済安全保障" in shift_jis["body"] and shift_jis["language"] == "ja"
    assert "日本政府" in rows["日印外相が電話会談 経済安全保障で連携確認"]["body"]


def test_site_structures_are_read(crawled):
    db_path, _, _ = crawled
    by_title = {r["title"]: r for r in _articles(db_path).values()}
    bs = by_title["India-Japan shipbuilding pact targets Kochi yard upgrade"]
    assert bs["extraction"] == "next_data" or "next" in (bs["extraction"] or "")
    assert bs["published"].startswith("2025-11-24T10:50:00")  # publishDate epoch, shown in IST
    assert "Rupee gains" not in bs["body"]  # the inline Also Read link is not body text
    ndtv = by_title["Japan Offers Flood-Warning Radars For Assam Rivers"]
    assert ndtv["published"].startswith("2025-11-24T10:02")  # microdata, no JSON-LD
    mea = by_title["Visit of the Foreign Minister of Japan to India"]
    assert mea["url"] == ("https://www.mea.gov.in/press-releases.htm?dtl/40321/"
                          "Visit_of_the_Foreign_Minister_of_Japan_to_India")
    assert by_title["Japan and India open talks on joint defense equipment"]["published"] == "2025-11-24T12:10:00+09:00"


def test_live_blogs_and_slideshows_are_not_stored(crawled):
    db_path, runs, _ = crawled
    urls = set(_articles(db_path))
    assert not any("/liveblog/" in u for u in urls)
    assert not any("/slideshow/" in u for u in urls)
    assert runs["times-of-india"]["pages"] == 2  # the live blog was fetched, judged, not stored


def test_the_hindu_news_sitemap_is_allowed_by_its_robots_txt(crawled):
    # robots.txt says Disallow: /sitemap/ but Allow: /sitemap/googlenews/all/all.xml$ (longest match wins).
    db_path, runs, _ = crawled
    assert not any("robots.txt" in e["reason"] for e in runs["the-hindu"]["errors"])
    assert any("/article70330011.ece" in u for u in _articles(db_path))


def test_missing_entry_points_are_recorded_not_fatal(crawled):
    _, runs, _ = crawled
    errors = runs["business-standard"]["errors"]
    assert any(e["url"].endswith("/rss/home_page_top_stories.rss") and "404" in e["reason"] for e in errors)


def test_fresh_articles_alert_and_a_second_crawl_fetches_nothing(crawled):
    db_path, runs, second = crawled
    out = json.loads(run_cli("--db", str(db_path), "alerts", "--json").stdout)
    # "Japan" (the word, not "Japanese") is in a dozen of the fresh English stories.
    assert len(out) == sum(r["alerts"] for r in runs.values()) >= 12
    assert sum(s["pages"] for s in second) == 0
    assert sum(s["articles_new"] for s in second) == 0
