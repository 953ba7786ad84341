"""URL canonicalisation, which links are followed, and reading feeds and sitemaps."""
from __future__ import annotations

import pytest

from scrapers.feeds import FeedError, parse_listing
from scrapers.urls import canonicalize_url, is_followable


@pytest.mark.parametrize("given, canonical", [
    ("https://www.thehindu.com/news/x/article70321456.ece?utm_source=rss&utm_medium=feed",
     "https://www.thehindu.com/news/x/article70321456.ece"),
    ("https://www.business-standard.com/amp/world-news/a-125112400123_1.html",
     "https://www.business-standard.com/world-news/a-125112400123_1.html"),
    ("https://www.japantimes.co.jp/news/2025/11/24/japan/politics/x/amp/",
     "https://www.japantimes.co.jp/news/2025/11/24/japan/politics/x/"),
    ("HTTPS://WWW.Example.COM:443/a.html#comments", "https://www.example.com/a.html"),
    ("https://m.timesofindia.com/india/x/articleshow/1.cms", "https://www.timesofindia.com/india/x/articleshow/1.cms"),
    ("https://www.example.com/story?id=7&fbclid=abc", "https://www.example.com/story?id=7"),
    ("https://www.example.com/news/", "https://www.example.com/news/"),
])
def test_canonicalize_url(given, canonical):
    assert canonicalize_url(given) == canonical


@pytest.mark.parametrize("url, ok", [
    ("https://www.thehindu.com/news/a.ece", True),
    ("http://thehindu.com/news/a.ece", True),
    ("https://evil.com/thehindu.com/a.ece", False),
    ("https://thehindu.com.evil.com/a.ece", False),
    ("file:///etc/passwd", False),
    ("javascript:alert(1)", False),
    ("ftp://www.thehindu.com/a", False),
])
def test_only_http_links_on_the_sources_hosts_are_followed(url, ok):
    assert is_followable(url, {"thehindu.com"}) is ok


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://www.x.com/one.html</link><pubDate>Mon, 24 Nov 2025 06:48:00 +0530</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://www.x.com/two.html</guid></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link rel="alternate" href="https://www.x.com/a"/><updated>2025-11-24T01:00:00Z</updated></entry></feed>"""

HINDU_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="https://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.thehindu.com/news/national/x/article70442726.ece</loc>
<news:news><news:publication_date>2025-12-27T10:00:00+05:30</news:publication_date><news:title>X</news:title></news:news></url>
</urlset>"""


def test_rss_items_with_links_and_permalink_guids():
    listing = parse_listing(RSS)
    assert listing.kind == "rss"
    assert [e.url for e in listing.entries] == ["https://www.x.com/one.html", "https://www.x.com/two.html"]
    assert listing.entries[0].published.utcoffset().total_seconds() == 19800


def test_atom_entries():
    listing = parse_listing(ATOM)
    assert (listing.kind, listing.entries[0].url) == ("atom", "https://www.x.com/a")


def test_news_sitemap_with_the_hindus_nonstandard_namespace():
    listing = parse_listing(HINDU_SITEMAP)
    assert listing.kind == "urlset"
    entry = listing.entries[0]
    assert entry.url.endswith("article70442726.ece") and entry.title == "X"
    assert entry.published.isoformat() == "2025-12-27T10:00:00+05:30"


@pytest.mark.parametrize("body, reason", [
    (b"", "empty"),
    (b"<rss><channel><item><title>oops</item></rss>", "not well-formed"),
    (b"<html><body>Moved</body></html>", "neither a feed nor a sitemap"),
])
def test_malformed_feeds_give_a_reason(body, reason):
    with pytest.raises(FeedError, match=reason):
        parse_listing(body)


def test_entities_are_not_expanded():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss><channel><item><title>&b;</title><link>https://www.x.com/1</link></item></channel></rss>"""
    listing = parse_listing(bomb)
    assert "aaaaaaaaaa" not in (listing.entries[0].title or "")


def test_real_indian_feeds_parse(shared_dir):
    for path in sorted((shared_dir / "fixtures/real/xml").glob("rss_*.xml")):
        listing = parse_listing(path.read_bytes())
        assert listing.kind == "rss" and len(listing.entries) >= 10, path.name
        assert all(e.url.startswith("http") for e in listing.entries), path.name
