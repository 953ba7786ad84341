"""The source registry, dated archive templates, listing readers and the backfill progress line: pure parts."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from scrapers.backfill import BackfillError, Progress, check_backfill
from scrapers.feeds import FeedError, parse_date, parse_html_listing
from scrapers.registry import Archive, SourceError, load_sources
from scrapers.spiders import SPIDERS
from scrapers.spiders.nhk import parse_nhk_news_json


def test_bundled_registry_is_complete_and_consistent():
    sources = load_sources()
    assert len(sources) >= 18
    for s in sources.values():
        assert s.entry_points and s.allowed_domains and s.timezone
        assert s.spider in SPIDERS
        assert s.archives or s.no_archive_reason, s.name
        assert set(s.unconfirmed) <= {*s.entry_points, *(a.url for a in s.archives)}, s.name


@pytest.mark.parametrize("template, period, since, until, urls", [
    ("https://x.com/sitemap/{yyyy}-{monthname}-1.xml", "month", "2025-10-20", "2025-11-03",
     ["https://x.com/sitemap/2025-november-1.xml", "https://x.com/sitemap/2025-october-1.xml"]),
    ("https://x.com/et/{yyyy}-{Monthname}-1.xml", "month", "2024-12-31", "2025-01-01",
     ["https://x.com/et/2025-January-1.xml", "https://x.com/et/2024-December-1.xml"]),
    ("https://x.com/sitemap.xml?yyyy={yyyy}&mm={mm}&dd={dd}", "day", "2025-02-28", "2025-03-01",
     ["https://x.com/sitemap.xml?yyyy=2025&mm=03&dd=01", "https://x.com/sitemap.xml?yyyy=2025&mm=02&dd=28"]),
    ("https://x.com/{yyyy}/{m}/{d}/{mon}.xml", "day", "2025-01-05", "2025-01-05", ["https://x.com/2025/1/5/jan.xml"]),
])
def test_archive_urls_for_a_range_newest_first(template, period, since, until, urls):
    archive = Archive(template, period)
    got = [archive.url_for(first) for first, _ in
           archive.periods(dt.date.fromisoformat(since), dt.date.fromisoformat(until))]
    assert got == urls


def _write(tmp_path, body: str):
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  x:\n    title: X\n    homepage: https://x.com/\n    language: en\n"
                    "    allowed_domains: [x.com]\n" + body)
    return path


@pytest.mark.parametrize("body, message", [
    ("", "needs at least one feed, sitemap or listing page"),
    ("    feeds: [ftp://x.com/feed]\n", "is not an http(s) URL"),
    ("    feeds: [https://x.com/f]\n    archives: [{url: 'https://x.com/{yyyy}/{week}.xml', period: month}]\n",
     "unknown placeholder {week}"),
    ("    feeds: [https://x.com/f]\n    archives: [{url: 'https://x.com/{yyyy}.xml', period: year}]\n",
     "use day or month"),
    ("    feeds: [https://x.com/f]\n    archives: [{url: 'https://x.com/{yyyy}-{mm}.xml', period: day}]\n",
     "never names the day"),
    ("    feeds: [https://x.com/f]\n    article_pattern: '(('\n", "bad article_pattern"),
])
def test_a_bad_sources_file_is_one_sentence(tmp_path, body, message):
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("{", r"\{").replace("}", r"\}")):
        load_sources(_write(tmp_path, body))


@pytest.mark.parametrize("text, iso", [
    ("Mon, 24 Nov 2025 06:48:00 +0530", "2025-11-24T06:48:00+05:30"),
    ("Sun, 27 Jun 2021 13:10:57+5:30", "2021-06-27T13:10:57+05:30"),          # Mint
    ("Sunday, June 27, 2021 02:56 PM +0530", "2021-06-27T14:56:00+05:30"),     # New Indian Express
    ("2025-11-24T04:20:00Z", "2025-11-24T04:20:00+00:00"),
    ("2025-11-24", None),                                                      # no zone: left to the page
    ("yesterday", None),
])
def test_feed_dates(text, iso):
    value = parse_date(text)
    assert (value.isoformat() if value else None) == iso


def test_html_listing_links_are_absolute_and_kept_as_written():
    body = (b"<html><body><a href='press-releases.htm?dtl/40321/Visit'>Visit</a>"
            b"<a href='/index.htm'>Home</a><a href='press-releases.htm?dtl/40321/Visit'>again</a></body></html>")
    listing = parse_html_listing(body, "https://www.mea.gov.in/press-releases.htm?51/Press_Releases")
    assert [e.url for e in listing.entries] == [
        "https://www.mea.gov.in/press-releases.htm?dtl/40321/Visit", "https://www.mea.gov.in/index.htm"]


def test_nhk_world_news_api():
    body = b'{"data": [{"title": "A", "page_url": "/nhkworld/en/news/20251124_15/", "updated_at": "1763957100000"}]}'
    entry = parse_nhk_news_json(body, "https://www3.nhk.or.jp/nhkworld/data/en/news/all.json").entries[0]
    assert entry.url == "https://www3.nhk.or.jp/nhkworld/en/news/20251124_15/"
    assert entry.modified == dt.datetime(2025, 11, 24, 4, 5, tzinfo=dt.timezone.utc)
    with pytest.raises(FeedError, match="not JSON"):
        parse_nhk_news_json(b"<html>", "https://www3.nhk.or.jp/")


def test_backfill_refuses_sources_without_archives_and_bad_ranges():
    sources = load_sources()
    day = dt.date(2025, 11, 1)
    check_backfill([sources["indian-express"]], day, day, today=dt.date(2025, 11, 24))
    with pytest.raises(BackfillError, match="NDTV \\(ndtv\\) has no dated archive"):
        check_backfill([sources["ndtv"]], day, day)
    with pytest.raises(BackfillError, match="in the future"):
        check_backfill([sources["indian-express"]], dt.date(2030, 1, 1), dt.date(2030, 1, 2), today=day)


def test_progress_line_and_eta():
    out = io.StringIO()
    progress = Progress(out, label="backfill x")
    progress.add_listings(4)
    progress.listing_done()
    progress.add_pages(10)
    for _ in range(5):
        progress.page_done()
    progress.article_stored()
    progress.error()
    progress.started -= 6.0  # six seconds for 1 listing + 5 pages: one unit a second
    # 3 listings to go, each expected to list 10 pages; 5 pages of the first still to fetch.
    assert round(progress.eta_seconds()) == 3 + 5 + 30
    progress.finish()
    assert out.getvalue().splitlines()[-1] == (
        "backfill x: archives 1/4, pages 5/10, articles 1, errors 1, ETA 38s")
