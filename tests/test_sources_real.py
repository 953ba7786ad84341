"""The registry and the spider against real publishers' files in ../shared/fixtures/real/.

Skipped when that folder is absent. The files are read in place, never copied: the
WARC built here lives in a temporary folder.
"""
from __future__ import annotations

import csv
import json
import re
from urllib.parse import urlsplit

import pytest
from protego import Protego

from newsradar.demo.web import WebRecord
from scrapers.feeds import parse_listing
from scrapers.registry import load_sources
from scrapers.urls import is_followable
from storage import open_db
from tests.conftest import run_cli
from tests.test_sources_replay import build_warc

UA = "newsradar/0.1 (+https://example.org)"


@pytest.fixture(scope="module")
def real(shared_dir):
    folder = shared_dir / "fixtures" / "real"
    if not (folder / "manifest.tsv").exists():
        pytest.skip("../shared/fixtures/real holds no manifest.tsv")
    with (folder / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return folder, rows


def _source_for(url: str):
    for source in load_sources().values():
        if is_followable(url, frozenset(source.allowed_domains)):
            return source
    return None


def test_the_hindu_robots_txt_forbids_its_archive_but_not_its_news_sitemap(real):
    folder, _ = real
    robots = Protego.parse((folder / "robots" / "thehindu.com_robots.txt").read_text(encoding="utf-8"))
    assert not robots.can_fetch("https://www.thehindu.com/sitemap/archive/all/20251120_1.xml", UA)
    for url in load_sources()["the-hindu"].entry_points:
        assert robots.can_fetch(url, UA), url


def test_business_standard_robots_txt_allows_its_entry_points(real):
    folder, _ = real
    robots = Protego.parse((folder / "robots" / "business-standard.com_robots.txt").read_text(encoding="utf-8"))
    for url in load_sources()["business-standard"].entry_points:
        assert robots.can_fetch(url, UA), url


def test_every_entry_point_not_marked_unconfirmed_is_backed_by_a_capture(real):
    """Keeps the registry honest: a URL is 'confirmed' only if a real file names it."""
    folder, rows = real
    evidence = " ".join(r["original_url"] for r in rows)
    for robots in (folder / "robots").glob("*.txt"):
        evidence += " " + " ".join(re.findall(r"(?im)^sitemap:\s*(\S+)", robots.read_text(encoding="utf-8")))
    for feed in (folder / "xml").glob("*.xml"):  # a feed's own self link names its URL
        for tag in re.findall(r"<[^>]*rel=[\"']self[\"'][^>]*>", feed.read_text(encoding="utf-8", errors="replace")):
            evidence += " " + " ".join(re.findall(r"href=[\"']([^\"']+)", tag))
    for source in load_sources().values():
        for url in source.entry_points:
            if url not in source.unconfirmed:
                assert url in evidence, f"{source.name}: {url} is not marked unconfirmed but no capture names it"


def test_real_feeds_and_sitemaps_are_read_with_their_dates(real):
    folder, _ = real
    for path in sorted((folder / "xml").glob("*.xml")):
        listing = parse_listing(path.read_bytes())
        assert listing.entries, path.name
        assert all(e.url.startswith("http") for e in listing.entries), path.name
        dated = sum(1 for e in listing.entries if e.published)
        assert dated == len(listing.entries), f"{path.name}: {dated} of {len(listing.entries)} dated"


# Real article pages of registered sources that the crawl must store (URL from the manifest).
# A slideshow, TOI's blogs (not its /articleshow/ pages) and NHK News Web Easy (not registered).
NOT_ARTICLE_URLS = {"/slideshow/", "/blogs/", "/news/easy/"}


def _real_pages(rows):
    pages = []
    for r in rows:
        url = r["original_url"]
        if not r["file"].startswith("html/") or not url.startswith("http"):
            continue
        source = _source_for(url)
        if source is not None:
            pages.append((r, source))
    return pages


def test_real_article_urls_match_their_sources_patterns(real):
    _, rows = real
    for r, source in _real_pages(rows):
        expected = not any(m in r["original_url"] for m in NOT_ARTICLE_URLS)
        if source.name == "reuters" and "/article/" in r["original_url"]:
            expected = False  # Reuters' pre-2021 URL scheme, no longer listed by its sitemaps
        assert source.is_article_url(r["original_url"]) is expected, (source.name, r["original_url"])


def test_real_pages_are_stored_through_the_real_spider(real, tmp_path):
    folder, rows = real
    by_source: dict[str, list] = {}
    for r, source in _real_pages(rows):
        if source.is_article_url(r["original_url"]):
            by_source.setdefault(source.name, []).append(r)
    records = []
    sources = load_sources()
    for name, pages in by_source.items():
        # A news sitemap of our own at the source's first sitemap or feed URL lists the real pages.
        listing_url = (sources[name].sitemaps or sources[name].feeds)[0]
        urls = "".join(f"<url><loc>{r['original_url']}</loc></url>" for r in pages)
        xml = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>".encode()
        records.append(WebRecord(listing_url, 200, {"Content-Type": "application/xml"}, xml))
        for r in pages:
            body = (folder / r["file"]).read_bytes()
            records.append(WebRecord(r["original_url"], 200, {"Content-Type": "text/html"}, body))
    warc = build_warc(tmp_path / "real.warc.gz", records)
    db_path = tmp_path / "n.db"
    out = run_cli("--db", str(db_path), "crawl", *by_source, "--replay", str(warc), "--json")
    assert out.returncode == 0, out.stderr
    runs = {s["source"]: s for s in json.loads(out.stdout)}
    stored = {row[0] for row in open_db(db_path).execute("SELECT url FROM article_urls")}
    for name, pages in by_source.items():
        for r in pages:
            assert r["original_url"] in stored, (name, r["file"], runs[name]["errors"])
    hosts = {urlsplit(u).hostname for u in stored}
    assert len(hosts) >= 6
