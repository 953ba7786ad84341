"""The recorded demo web: well-formed pages, feeds and sitemaps, a WARC that round-trips,
and the cases the demo watch `Modi + Takaichi` is meant to show."""

from __future__ import annotations

import gzip
import json
import re
import urllib.robotparser
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator

from newsradar.demo import (
    DEMO_ARTICLES,
    DEMO_CAPTURE_TIME,
    DEMO_EXPECTED_ALERT_URL,
    DEMO_START_URLS,
    DEMO_WATCH,
    DemoError,
    Story,
    WebRecord,
    build_demo_web,
    sites,
    stories,
    web,
    write_warc,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FRESHNESS = timedelta(hours=72)
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@pytest.fixture(scope="module")
def records() -> list[WebRecord]:
    return build_demo_web()


@pytest.fixture(scope="module")
def by_url(records) -> dict[str, WebRecord]:
    return {r.url: r for r in records}


@pytest.fixture(scope="module")
def warc_path(records, tmp_path_factory) -> Path:
    return write_warc(records, tmp_path_factory.mktemp("warc") / "demo.warc.gz")


def _html_urls(records) -> list[str]:
    return [r.url for r in records if r.content_type.startswith("text/html")]


def _listing_urls(records) -> list[str]:
    return [r.url for r in records if r.content_type.startswith(("application/rss+xml", "application/xml"))]


ALL_HTML = _html_urls(build_demo_web())
ALL_LISTINGS = _listing_urls(build_demo_web())
BS_ARTICLES = [u for u in DEMO_ARTICLES if urlsplit(u).hostname == sites.BS_HOST]


def _doc(record: WebRecord):
    return lxml.html.fromstring(record.body.decode("utf-8"))


def _json_ld(doc) -> list[dict]:
    return [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]


def _news_article(doc) -> dict:
    found = [d for d in _json_ld(doc) if d.get("@type") == "NewsArticle"]
    assert len(found) == 1
    return found[0]


def _next_data(doc) -> dict:
    (script,) = doc.xpath('//script[@id="__NEXT_DATA__"]')
    assert script.get("type") == "application/json"
    return json.loads(script.text)


def _article_text(doc) -> str:
    """What an extractor that drops sidebars and site data would keep."""
    nodes = doc.xpath(
        '//div[contains(@class,"storycontent") or contains(@class,"articlebodycontent")'
        ' or contains(@class,"article-body") or contains(@class,"amp-story-content")]'
    )
    assert len(nodes) == 1
    title = doc.xpath("string(//h1)")
    return title + "\n" + nodes[0].text_content()


def _listed_urls(record: WebRecord) -> list[str]:
    root = lxml.etree.fromstring(record.body, lxml.etree.XMLParser(resolve_entities=False))
    if root.tag == "rss":
        return [link.text for link in root.iter("link") if link.getparent().tag == "item"]
    return [loc.text for loc in root.iter("{*}loc") if loc.getparent().tag.endswith("}url")]


def _names(text: str) -> set[str]:
    """Which of the two watched names a text contains, as whole words."""
    return {name for name in ("modi", "takaichi") if re.search(rf"\b{name}\b", text, re.IGNORECASE)}


# --- the web as a whole -----------------------------------------------------------


def test_web_is_deterministic(records, tmp_path):
    assert build_demo_web() == records
    first = write_warc(records, tmp_path / "a" / "demo.warc.gz")
    second = write_warc(build_demo_web(), tmp_path / "b" / "demo.warc.gz")
    assert first.read_bytes() == second.read_bytes()


def test_web_has_each_url_once_and_between_ten_and_fourteen_articles(records):
    urls = [r.url for r in records]
    assert len(urls) == len(set(urls))
    assert 10 <= len(DEMO_ARTICLES) <= 14
    assert set(DEMO_ARTICLES) <= set(urls)
    assert {urlsplit(u).hostname for u in DEMO_ARTICLES} == {
        sites.BS_HOST,
        sites.HINDU_HOST,
        sites.JT_HOST,
    }


def test_every_body_is_utf8_and_says_so(records):
    for record in records:
        assert record.status == 200
        assert record.content_type.endswith("charset=utf-8"), record.url
        text = record.body.decode("utf-8")
        assert record.headers["Content-Length"] == str(len(record.body))
        if record.content_type.startswith("text/html"):
            assert re.search(r'<meta charset="utf-?8"', text, re.IGNORECASE), record.url


def test_non_ascii_text_survives_as_utf8(by_url):
    budget = _doc(by_url[web.URL_TAKAICHI_BUDGET])
    assert "¥21.3 trillion" in _article_text(budget)
    nav = _doc(by_url[DEMO_EXPECTED_ALERT_URL]).xpath("string(//header/nav)")
    assert "हिंदी में पढें" in nav


def test_feeds_are_served_as_rss(by_url):
    for urls in DEMO_START_URLS.values():
        for url in urls:
            expected = "application/rss+xml" if url.endswith(("rss", "/feed/")) else "application/xml"
            assert by_url[url].content_type == f"{expected}; charset=utf-8"


# --- WARC -------------------------------------------------------------------------


def test_warc_round_trips_every_response(records, warc_path):
    responses: dict[str, tuple] = {}
    requests: list[str] = []
    with gzip.open(warc_path, "rb") as raw:
        assert raw.read(8) == b"WARC/1.0"
    with warc_path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            if rec.rec_type == "response":
                assert uri not in responses, f"{uri} recorded twice"
                assert rec.rec_headers.get_header("WARC-Date") == "2025-11-24T04:30:00Z"
                responses[uri] = (
                    int(rec.http_headers.get_statuscode()),
                    rec.http_headers.headers,
                    rec.content_stream().read(),
                )
            elif rec.rec_type == "request":
                assert rec.rec_headers.get_header("WARC-Date") == "2025-11-24T04:30:00Z"
                requests.append(uri)
    assert sorted(requests) == sorted(r.url for r in records)
    assert set(responses) == {r.url for r in records}
    for record in records:
        status, headers, body = responses[record.url]
        assert status == record.status
        assert headers == list(record.headers.items())
        assert body == record.body


def test_warc_request_line_carries_path_and_query(warc_path):
    with warc_path.open("rb") as fh:
        lines = {
            rec.rec_headers.get_header("WARC-Target-URI"): (rec.http_headers.protocol, rec.http_headers.statusline)
            for rec in ArchiveIterator(fh)
            if rec.rec_type == "request"
        }
    tracked = web.URL_MARKETS_TRACKED
    assert lines[tracked] == ("GET", urlsplit(tracked).path + "?" + urlsplit(tracked).query + " HTTP/1.1")


def test_write_warc_honours_capture_time(tmp_path):
    when = datetime.fromisoformat("2026-01-02T03:04:05+00:00")
    path = write_warc(build_demo_web()[:1], tmp_path / "one.warc.gz", capture_time=when)
    with path.open("rb") as fh:
        dates = {rec.rec_headers.get_header("WARC-Date") for rec in ArchiveIterator(fh)}
    assert dates == {"2026-01-02T03:04:05Z"}


@pytest.mark.parametrize(
    ("records", "target", "message"),
    [
        ([WebRecord("https://a.example/", 200, {}, b"")] * 2, "x.warc.gz", "recorded twice"),
        ([WebRecord("file:///etc/passwd", 200, {}, b"")], "x.warc.gz", r"only http\(s\)"),
        ([], "blocker/x.warc.gz", "Cannot write the WARC file"),
    ],
)
def test_write_warc_rejects_bad_input_in_one_sentence(records, target, message, tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with pytest.raises(DemoError, match=message) as caught:
        write_warc(records, tmp_path / target)
    assert "\n" not in str(caught.value)


def test_write_warc_refuses_naive_capture_time(tmp_path):
    with pytest.raises(DemoError, match="timezone"):
        write_warc([], tmp_path / "x.warc.gz", capture_time=datetime(2025, 11, 24, 10, 0))


# --- pages ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_HTML)
def test_article_page_has_news_article_json_ld_and_canonical(url, by_url):
    doc = _doc(by_url[url])
    ld = _news_article(doc)
    (canonical,) = doc.xpath('//link[@rel="canonical"]/@href')
    assert canonical in DEMO_ARTICLES
    story = DEMO_ARTICLES[canonical]
    assert ld["headline"] == story.title
    assert ld["url"] == canonical
    assert datetime.fromisoformat(ld["datePublished"]) == story.published
    assert datetime.fromisoformat(ld["datePublished"]).utcoffset() is not None
    assert datetime.fromisoformat(ld["dateModified"]) == story.last_modified
    assert [a["name"] for a in ld["author"]] == story.authors
    assert ld["articleSection"] == story.section
    assert doc.xpath('string(//meta[@property="og:title"]/@content)') == story.title
    assert story.paragraphs[0] in _article_text(doc)


def test_hindu_json_ld_has_no_article_body_and_uses_ist(by_url):
    doc = _doc(by_url[web.URL_MODI_RETURNS])
    ld = _news_article(doc)
    assert "articleBody" not in ld
    assert ld["datePublished"].endswith("+05:30")
    assert doc.xpath('//div[contains(@class,"articlebodycontent")]')


def test_japan_times_page_is_wordpress_shaped(by_url):
    doc = _doc(by_url[web.URL_TAKAICHI_BUDGET])
    published = doc.xpath('string(//meta[@property="article:published_time"]/@content)')
    assert published == "2025-11-24T11:20:00+09:00"
    assert doc.xpath('//div[@class="article-body"]/p')


@pytest.mark.parametrize("url", BS_ARTICLES)
def test_business_standard_next_data_carries_the_article(url, by_url):
    story = DEMO_ARTICLES[url]
    doc = _doc(by_url[url])
    props = _next_data(doc)["props"]["pageProps"]
    data = props["data"]
    assert data["pageTitle"] == data["heading"] == story.title
    assert data["publishDate"] == int(story.published.timestamp())
    assert data["updatedDate"] == int(story.last_modified.timestamp())
    assert data["canonicalUrl"] == url
    assert data["authorName"] == ", ".join(story.authors)
    assert data["defaultArticleCat"]["category_name"] == story.section
    body = lxml.html.fragment_fromstring(data["htmlContent"], create_parent="div")
    assert [p.text_content() for p in body.iter("p")] == story.paragraphs
    # The sidebar and the trending data list the same other stories, never this one.
    sidebar = [(a.text_content(), a.get("href")) for a in doc.xpath("//aside//a")]
    trending = [(t["heading"], t["articleUrl"]) for t in props["trendingNews"]]
    assert sidebar == trending
    assert url not in [link for _, link in trending]
    assert doc.xpath('//div[contains(@class,"share-bar")]') and doc.xpath("//header/nav/a")


def test_business_standard_publish_date_is_the_ist_time_readers_see(by_url):
    data = _next_data(_doc(by_url[DEMO_EXPECTED_ALERT_URL]))["props"]["pageProps"]["data"]
    assert datetime.fromtimestamp(data["publishDate"], stories.IST).strftime("%Y-%m-%d %H:%M") == (
        "2025-11-24 06:48"
    )


# --- feeds, sitemaps, robots.txt ----------------------------------------------------


@pytest.mark.parametrize("url", ALL_LISTINGS)
def test_listing_is_well_formed_and_lists_only_recorded_urls(url, by_url):
    listed = _listed_urls(by_url[url])
    assert listed, url
    assert set(listed) <= set(by_url), set(listed) - set(by_url)
    assert all(by_url[u].content_type.startswith("text/html") for u in listed)


def test_every_article_is_reachable_from_a_feed_or_sitemap(by_url):
    listed = {u for url in ALL_LISTINGS for u in _listed_urls(by_url[url])}
    for record_url in listed:
        canonical = _doc(by_url[record_url]).xpath('string(//link[@rel="canonical"]/@href)')
        assert canonical in DEMO_ARTICLES
    canonicals = {
        _doc(by_url[u]).xpath('string(//link[@rel="canonical"]/@href)') for u in listed
    }
    assert canonicals == set(DEMO_ARTICLES)


@pytest.mark.parametrize(
    ("url", "namespace", "publication"),
    [
        (web.SITEMAP_BS, sites.STANDARD, "Business Standard"),
        (web.SITEMAP_HINDU, sites.HINDU, "The Hindu"),
        (web.SITEMAP_JT, sites.STANDARD, "The Japan Times"),
    ],
)
def test_news_sitemap_shape(url, namespace, publication, by_url):
    root = lxml.etree.fromstring(by_url[url].body)
    assert root.tag == f"{{{namespace}}}urlset"
    for entry in root.iter(f"{{{namespace}}}url"):
        loc = entry.findtext(f"{{{namespace}}}loc")
        story = DEMO_ARTICLES[loc]
        news = entry.find(f"{{{NEWS_NS}}}news")
        assert news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}name") == publication
        assert news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language") == "en"
        assert news.findtext(f"{{{NEWS_NS}}}title") == story.title
        when = datetime.fromisoformat(news.findtext(f"{{{NEWS_NS}}}publication_date"))
        assert when == story.published


def test_rss_items_carry_titles_and_dates(by_url):
    root = lxml.etree.fromstring(by_url[web.FEED_BS_LATEST].body)
    items = root.findall("channel/item")
    assert [i.findtext("title") for i in items][2] == stories.TAKAICHI_MODI_G20.title
    assert items[2].findtext("pubDate") == "Mon, 24 Nov 2025 06:48:00 +0530"


@pytest.mark.parametrize("host", list(DEMO_START_URLS))
def test_robots_allows_articles_feeds_and_sitemaps(host, by_url):
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(by_url[f"https://{host}/robots.txt"].body.decode("utf-8").splitlines())
    for url in [*DEMO_START_URLS[host], *(u for u in by_url if urlsplit(u).hostname == host)]:
        assert parser.can_fetch("newsradar", url), url
    assert not parser.can_fetch("newsradar", f"https://{host}/search?q=modi")
    assert set(parser.site_maps()) <= set(by_url)


def test_robots_txt_refuses_unknown_host():
    with pytest.raises(DemoError, match="example.com"):
        sites.robots_txt("example.com")


# --- the cases the demo watch shows ---------------------------------------------------


def test_watch_is_the_product_story():
    assert DEMO_WATCH == "Modi + Takaichi"
    assert DEMO_CAPTURE_TIME.isoformat() == "2025-11-24T04:30:00+00:00"


def test_exactly_one_fresh_article_names_both_leaders_in_its_text(by_url):
    both_fresh = [
        url
        for url, story in DEMO_ARTICLES.items()
        if _names(_article_text(_doc(by_url[url])).replace(_also_read_text(by_url[url]), ""))
        == {"modi", "takaichi"}
        and DEMO_CAPTURE_TIME - story.published <= FRESHNESS
    ]
    assert both_fresh == [DEMO_EXPECTED_ALERT_URL]
    seed = DEMO_ARTICLES[DEMO_EXPECTED_ALERT_URL]
    assert seed.published.isoformat() == "2025-11-24T06:48:00+05:30"
    assert urlsplit(DEMO_EXPECTED_ALERT_URL).hostname == sites.BS_HOST


def _also_read_text(record: WebRecord) -> str:
    doc = _doc(record)
    return "".join(
        p.text_content() for p in doc.xpath("//p") if p.text_content().startswith("Also Read")
    )


def test_modi_only_page_never_mentions_takaichi(by_url):
    assert _names(by_url[web.URL_MODI_BILATERALS].body.decode()) == {"modi"}


def test_takaichi_in_sidebar_and_site_data_only(by_url):
    doc = _doc(by_url[web.URL_MODI_PROPOSALS])
    assert _names(_article_text(doc)) == {"modi"}
    assert "takaichi" in doc.xpath("string(//aside)").casefold()
    trending = _next_data(doc)["props"]["pageProps"]["trendingNews"]
    assert any("Takaichi" in t["heading"] for t in trending)
    assert "Takaichi" not in _next_data(doc)["props"]["pageProps"]["data"]["htmlContent"]


def test_takaichi_only_story_on_the_japan_times(by_url):
    assert _names(by_url[web.URL_TAKAICHI_BUDGET].body.decode()) == {"takaichi"}


def test_takaichi_only_in_inline_also_read_link(by_url):
    doc = _doc(by_url[web.URL_MODI_RETURNS])
    (body,) = doc.xpath('//div[contains(@class,"articlebodycontent")]')
    also = [p for p in body.iter("p") if p.text_content().startswith("Also Read")]
    assert len(also) == 1 and also[0].xpath(".//a/@href")
    assert "Takaichi" in also[0].text_content()
    rest = [p.text_content() for p in body.iter("p") if p is not also[0]]
    assert _names(" ".join(rest) + doc.xpath("string(//h1)")) == {"modi"}
    assert also[0] is not body.findall("p")[0], "the link sits inside the body, not before it"


def test_old_story_names_both_but_is_stale(by_url):
    story = DEMO_ARTICLES[web.URL_MODI_CONGRATULATES]
    assert _names(_article_text(_doc(by_url[web.URL_MODI_CONGRATULATES]))) == {"modi", "takaichi"}
    assert story.published.date().isoformat() == "2025-10-22"
    assert DEMO_CAPTURE_TIME - story.published > FRESHNESS


def test_tracking_and_amp_urls_point_to_one_canonical_each(by_url):
    listed = {u for url in ALL_LISTINGS for u in _listed_urls(by_url[url])}
    assert web.URL_MARKETS_TRACKED in listed and web.URL_MARKETS in listed
    assert "utm_source=rss&utm_medium=feed" in web.URL_MARKETS_TRACKED
    assert web.URL_TAKAICHI_MODI_AMP in listed and DEMO_EXPECTED_ALERT_URL in listed
    assert urlsplit(web.URL_TAKAICHI_MODI_AMP).path.startswith("/amp/world-news/")
    for variant, canonical in [
        (web.URL_MARKETS_TRACKED, web.URL_MARKETS),
        (web.URL_TAKAICHI_MODI_AMP, DEMO_EXPECTED_ALERT_URL),
    ]:
        assert _doc(by_url[variant]).xpath('string(//link[@rel="canonical"]/@href)') == canonical
    main = _doc(by_url[DEMO_EXPECTED_ALERT_URL])
    assert main.xpath('string(//link[@rel="amphtml"]/@href)') == web.URL_TAKAICHI_MODI_AMP


@pytest.mark.parametrize(
    "story",
    [s for s in vars(stories).values() if isinstance(s, Story)],
    ids=lambda s: s.slug,
)
def test_ordinary_and_case_stories_are_all_in_the_web(story):
    assert story in DEMO_ARTICLES.values()


# --- escaping -----------------------------------------------------------------------

HOSTILE = Story(
    slug="hostile",
    title='Modi & Takaichi say "</script><script>alert(1)</script>" <b>bold</b>',
    paragraphs=["A < B && C > D; </p><p>not a new paragraph", "Second ]]> -->"],
    published=datetime.fromisoformat("2025-11-24T06:48:00+05:30"),
    authors=['O\'Brien "Ed" <ed@example.com>'],
    section="World & News",
    summary="Summary with </script> inside",
)


@pytest.mark.parametrize(
    "render",
    [
        lambda: sites.business_standard_article(
            HOSTILE, "https://www.business-standard.com/world-news/x-125112400999_1.html",
            trending=[(HOSTILE.title, "https://www.business-standard.com/a?b=1&c=2")],
        ),
        lambda: sites.business_standard_amp_article(
            HOSTILE, "https://www.business-standard.com/amp/world-news/x-125112400999_1.html",
            canonical="https://www.business-standard.com/world-news/x-125112400999_1.html",
        ),
        lambda: sites.hindu_article(
            HOSTILE, "https://www.thehindu.com/news/national/x/article1.ece",
            also_read=(HOSTILE.title, "https://www.thehindu.com/a?b=1&c=2"),
            related=[(HOSTILE.title, "https://www.thehindu.com/r")],
        ),
        lambda: sites.japantimes_article(
            HOSTILE, "https://www.japantimes.co.jp/news/2025/11/24/japan/x/",
            related=[(HOSTILE.title, "https://www.japantimes.co.jp/r")],
        ),
    ],
    ids=["business-standard", "business-standard-amp", "hindu", "japantimes"],
)
def test_builders_escape_text(render):
    page = render()
    doc = lxml.html.fromstring(page)
    assert doc.xpath("string(//h1)") == HOSTILE.title
    # Only the page's own scripts exist: none was opened by the story text.
    assert not [s for s in doc.xpath("//script") if "alert(1)" in (s.text or "") and s.get("type") is None]
    ld = _news_article(doc)
    assert ld["headline"] == HOSTILE.title and ld["description"] == HOSTILE.summary
    assert [a["name"] for a in ld["author"]] == HOSTILE.authors
    texts = [p.text_content() for p in doc.xpath("//h1/following::p")]
    assert HOSTILE.paragraphs[0] in texts and HOSTILE.paragraphs[1] in texts
    if doc.xpath('//script[@id="__NEXT_DATA__"]'):
        assert _next_data(doc)["props"]["pageProps"]["data"]["pageTitle"] == HOSTILE.title


def test_feed_and_sitemap_escape_text():
    url = "https://www.business-standard.com/a-125112400999_1.html?x=1&y=2"
    feed = lxml.etree.fromstring(sites.rss_feed("A & B", "https://x.example/", [(HOSTILE, url)]).encode())
    assert feed.findtext("channel/title") == "A & B"
    assert feed.findtext("channel/item/title") == HOSTILE.title
    assert feed.findtext("channel/item/link") == url
    sitemap = lxml.etree.fromstring(sites.news_sitemap([(HOSTILE, url)]).encode())
    assert sitemap.findtext(f"{{{sites.STANDARD}}}url/{{{sites.STANDARD}}}loc") == url
    assert sitemap.findtext(f".//{{{NEWS_NS}}}title") == HOSTILE.title


def test_story_needs_aware_times_and_a_body():
    with pytest.raises(DemoError, match="timezone-aware"):
        Story(slug="x", title="x", paragraphs=["x"], published=datetime(2025, 11, 24))
    with pytest.raises(DemoError, match="no paragraphs"):
        Story(slug="x", title="x", paragraphs=[], published=DEMO_CAPTURE_TIME)


# --- own words --------------------------------------------------------------------


def _sentences(text: str) -> set[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return {re.sub(r"\W+", " ", p).strip().casefold() for p in parts if len(p.split()) >= 5}


# A document's proper name must be quoted as it is; it is not prose taken from the seed.
_PROPER_NAMES = re.compile(r"japan-india joint vision for the next decade", re.IGNORECASE)


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", _PROPER_NAMES.sub(" ", text).casefold())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_demo_stories_share_no_sentence_with_the_seed_texts():
    seed_dir = SHARED / "seed"
    if not seed_dir.is_dir():
        pytest.skip("the shared seed folder is not available")
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]
    if not seeds:
        pytest.skip("the shared seed folder holds no texts")
    ours = "\n".join(
        "\n".join([s.title, s.summary, *s.paragraphs]) for s in DEMO_ARTICLES.values()
    )
    for seed in seeds:
        assert not _sentences(seed) & _sentences(ours)
        # Nor a run of eight words outside proper names.
        assert not _shingles(seed) & _shingles(ours)
