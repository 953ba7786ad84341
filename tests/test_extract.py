"""Article extraction on small pages written in the real sites' structures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.extract import Extracted, ExtractionError, extract_article

IST = timezone(timedelta(hours=5, minutes=30))
JST = timezone(timedelta(hours=9))

PARAGRAPHS = [
    "Prime Minister Narendra Modi on Tuesday spoke with his Japanese counterpart about the "
    "high-speed rail corridor between Mumbai and Ahmedabad, officials said.",
    "The two leaders reviewed progress on the project, which is financed by a low-interest loan "
    "from the Japan International Cooperation Agency, and discussed semiconductor supply chains.",
    "Officials in New Delhi said the next annual summit would be held in Tokyo later this year, "
    "with defence cooperation and clean energy on the agenda.",
    "Industry groups welcomed the talks and asked both governments to simplify visa rules for "
    "engineers and students travelling between the two countries.",
]


def _page(head: str, body: str, lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">{head}</head><body>{body}</body></html>"


def _business_standard_page() -> str:
    """Current Business Standard template: Next.js, the article lives in __NEXT_DATA__."""
    html_content = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    html_content += (
        '<p><strong>Also Read: </strong><a href="/world-news/takaichi-cabinet-123.html">'
        "Sanae Takaichi names new cabinet as yen slides</a></p>"
    )
    html_content += "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    next_data = {
        "props": {
            "pageProps": {
                "articleSchema": {"articleImageUrl": "https://bsmedia.business-standard.com/img/modi.jpg"},
                "data": {
                    "pageTitle": "Modi discusses bullet train, chips with Japan's PM",
                    "publishDate": 1718000000,
                    "htmlContent": html_content,
                    "articleMappedMultipleAuthors": {"501": "Archis Mohan"},
                    "defaultArticleCat": {"h1_tag": "India News"},
                    "metaDescription": "Talks covered rail and semiconductors.",
                },
                "trending": [
                    {"heading": "Donald Trump threatens new tariffs on Chinese goods", "publishDate": 1717990000},
                    {"heading": "Takaichi rallies LDP ahead of leadership vote", "publishDate": 1717980000},
                ],
            }
        },
        "page": "/[...slug]",
    }
    body = (
        '<div id="__next"><header><nav><a href="/">Home</a><a href="/markets">Markets</a></nav></header>'
        "<main><h1>Modi discusses bullet train, chips with Japan's PM</h1>"
        '<div class="storyDetails">' + html_content + "</div></main>"
        '<div class="trendingNews"><h2>Trending</h2><ul>'
        '<li><a href="/a.html">Donald Trump threatens new tariffs on Chinese goods</a></li>'
        '<li><a href="/b.html">Takaichi rallies LDP ahead of leadership vote</a></li></ul></div></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(next_data)}</script>'
    )
    head = (
        "<title>Modi discusses bullet train, chips with Japan's PM | India News - Business Standard</title>"
        '<link rel="canonical" href="https://www.business-standard.com/india-news/modi-japan-talks-124061000123_1.html">'
        '<meta property="og:type" content="article">'
    )
    return _page(head, body)


def _hindu_page() -> str:
    """The Hindu: NewsArticle JSON-LD with an articleBody, and an "Also Read" box inside the body."""
    article_body = "\n".join(PARAGRAPHS[:2]) + "\nAlso Read: Takaichi set to visit Delhi for Quad meet\n" + "\n".join(PARAGRAPHS[2:])
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Hindu", "url": "https://www.thehindu.com/"},
            {"@type": "WebPage", "name": "Modi, Japanese PM review bullet train project", "description": "Page."},
            {"@type": "BreadcrumbList", "itemListElement": []},
            {
                "@type": "NewsArticle",
                "headline": "Modi, Japanese PM review bullet train project",
                "description": "The leaders discussed the Mumbai&#8211;Ahmedabad rail line and chips.",
                "url": "https://www.thehindu.com/news/national/modi-japan-bullet-train/article68123456.ece",
                "datePublished": "2024-06-10T19:36:27+05:30",
                "dateModified": "2024-06-10T21:02:00+05:30",
                "author": [{"@type": "Person", "name": "Suhasini Haidar"}],
                "articleSection": "National",
                "inLanguage": "en",
                "image": {"@type": "ImageObject", "url": "/static/modi-japan.jpg"},
                "articleBody": article_body,
            },
        ],
    }
    head = (
        "<title>Modi, Japanese PM review bullet train project - The Hindu</title>"
        f'<script type="application/ld+json">{json.dumps(graph)}</script>'
        '<link rel="amphtml" href="https://www.thehindu.com/news/national/modi-japan-bullet-train/article68123456.ece/amp/">'
    )
    body = (
        "<article><h1>Modi, Japanese PM review bullet train project</h1>"
        f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
        '<div class="also-view-head"><span>Also Read</span></div>'
        '<a href="/news/international/takaichi-delhi/article68120000.ece"><div class="also-view-text-cont">'
        "<p>Takaichi set to visit Delhi for Quad meet</p></div></a>"
        f"<p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></article>"
    )
    return _page(head, body)


def _html_article_page(extra_body: str = "", head: str = "") -> str:
    """An article known only from its HTML (no JSON-LD), as trafilatura reads it."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return _page(
        '<title>Modi and Japan talk trains - Example News</title><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-06-10T10:00:00">' + head,
        '<nav class="menu"><a href="/">Home</a><a href="/world">World</a></nav>'
        f"<article><h1>Modi and Japan talk trains</h1>{paragraphs}{extra_body}</article>"
        '<aside class="sidebar"><h3>Most read</h3><a href="/x">Takaichi wins party vote</a></aside>'
        '<footer><div class="newsletter">Subscribe to our newsletter for daily Takaichi updates</div></footer>',
    )


def test_business_standard_next_data_page_gives_the_article_without_sidebar_names():
    ex = extract_article(_business_standard_page(), "https://www.business-standard.com/india-news/modi-japan-talks-124061000123_1.html",
                         default_tz="Asia/Kolkata")
    assert ex.is_article, ex.reason
    assert ex.method == "next_data"
    assert ex.title == "Modi discusses bullet train, chips with Japan's PM"
    assert ex.published == datetime.fromtimestamp(1718000000, timezone.utc)
    assert ex.published.utcoffset() == timedelta(hours=5, minutes=30)
    assert ex.authors == ["Archis Mohan"]
    assert ex.section == "India News"
    assert ex.image == "https://bsmedia.business-standard.com/img/modi.jpg"
    assert ex.body.split("\n\n") == PARAGRAPHS
    assert "Takaichi" not in ex.body and "Trump" not in ex.body


def test_hindu_json_ld_page_drops_the_also_read_line_from_article_body():
    url = "https://www.thehindu.com/news/national/modi-japan-bullet-train/article68123456.ece"
    ex = extract_article(_hindu_page(), url, default_tz="Asia/Kolkata")
    assert ex.is_article and ex.method == "jsonld"
    assert "NewsArticle" in ex.reason
    assert ex.title == "Modi, Japanese PM review bullet train project"
    assert ex.published == datetime(2024, 6, 10, 19, 36, 27, tzinfo=IST)
    assert ex.modified == datetime(2024, 6, 10, 21, 2, tzinfo=IST)
    assert ex.authors == ["Suhasini Haidar"]
    assert ex.section == "National" and ex.language == "en"
    assert ex.summary == "The leaders discussed the Mumbai\u2013Ahmedabad rail line and chips."
    assert ex.image == "https://www.thehindu.com/static/modi-japan.jpg"
    assert ex.canonical_url == url
    assert ex.amp_url == url + "/amp/"
    assert ex.body.split("\n\n") == PARAGRAPHS
    assert "Takaichi" not in ex.body


@pytest.mark.parametrize(
    "teaser",
    [
        '<p><strong>Also Read | </strong><a href="/other">Takaichi meets Biden in Washington</a></p>',
        '<p>ALSO READ: <a href="/other">Takaichi meets Biden in Washington</a></p>',
        '<p><a href="/other">Read more: Takaichi meets Biden in Washington</a></p>',
        '<h3>Also Read</h3><ul><li><a href="/o1">Takaichi meets Biden in Washington</a></li><li><a href="/o2">Yen falls</a></li></ul>',
        '<p><a href="/other">Takaichi meets Biden in Washington as allies talk trade</a></p>',
        '<p>यह भी पढ़ें: <a href="/other">ताकाइची Takaichi ने वॉशिंगटन में बाइडन से मुलाकात की</a></p>',
        '<p>関連記事：<a href="/other">高市首相 Takaichi がワシントンで会談</a></p>',
        "<p>Also Read: Takaichi meets Biden in Washington</p>",
    ],
)
def test_inline_teasers_never_reach_the_body(teaser):
    page = _html_article_page(extra_body=teaser).replace(f"<p>{PARAGRAPHS[2]}</p>", teaser + f"<p>{PARAGRAPHS[2]}</p>")
    ex = extract_article(page, "https://news.example.com/world/modi-japan-talks-12345.html")
    assert ex.is_article, ex.reason
    assert "Takaichi" not in ex.body
    assert PARAGRAPHS[0] in ex.body and PARAGRAPHS[3] in ex.body


def test_prose_that_mentions_reading_or_links_is_kept():
    kept = [
        '<p>Read-only copies of the agreement were shared with <a href="/mps">members of parliament</a> on Monday, the ministry said.</p>',
        "<p>Related talks between the two foreign ministers are expected in July, according to diplomats in Tokyo.</p>",
    ]
    page = _html_article_page(extra_body="".join(kept))
    ex = extract_article(page, "https://news.example.com/world/modi-japan-talks-12345.html")
    assert "Read-only copies of the agreement" in ex.body
    assert "Related talks between the two foreign ministers" in ex.body


def test_page_without_json_ld_uses_trafilatura_and_default_zone():
    ex = extract_article(_html_article_page(), "https://news.example.com/world/modi-japan-talks-12345.html", default_tz="Asia/Tokyo")
    assert ex.is_article and ex.method == "trafilatura"
    assert ex.title == "Modi and Japan talk trains"
    assert ex.published == datetime(2024, 6, 10, 10, 0, tzinfo=JST)
    assert ex.body.split("\n\n") == PARAGRAPHS
    assert "Takaichi" not in ex.body and "Subscribe" not in ex.body


def test_topic_index_page_is_not_an_article():
    items = "".join(
        f'<li><a href="/news/national/story-{i}/article{i}.ece">Narendra Modi story number {i} about policy</a>'
        f"<span>June {i}, 2024</span></li>"
        for i in range(1, 30)
    )
    ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": "Narendra Modi"}
    page = _page(f'<title>Narendra Modi News - The Hindu</title><script type="application/ld+json">{json.dumps(ld)}</script>',
                 f"<h1>Narendra Modi</h1><ul>{items}</ul>")
    ex = extract_article(page, "https://www.thehindu.com/topic/Narendra_Modi/")
    assert not ex.is_article
    assert "topic" in ex.reason
    ex = extract_article(page, "https://www.thehindu.com/people/narendra-modi/")
    assert not ex.is_article
    assert "CollectionPage" in ex.reason


def test_video_page_is_not_an_article():
    ld = {
        "@context": "https://schema.org", "@type": "VideoObject", "name": "PM Modi meets Japan's PM",
        "uploadDate": "2024-06-10T12:00:00+05:30", "thumbnailUrl": "https://ndtv.example/thumb.jpg",
        "description": "Watch the two leaders meet.",
    }
    page = _page(f'<title>PM Modi meets Japan PM - NDTV</title><script type="application/ld+json">{json.dumps(ld)}</script>'
                 '<meta property="og:type" content="video.other">',
                 "<h1>PM Modi meets Japan's PM</h1><div class=\"player\"></div><p>Watch the two leaders meet.</p>")
    ex = extract_article(page, "https://www.ndtv.com/india-news/pm-modi-meets-japan-pm-5678")
    assert not ex.is_article
    assert "VideoObject" in ex.reason
    assert ex.published == datetime(2024, 6, 10, 12, 0, tzinfo=IST)


def test_live_blog_is_not_stored_as_one_article():
    ld = {
        "@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Election results live",
        "coverageStartTime": "2024-06-04T08:00:00+05:30",
        "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Modi leads", "articleBody": "Modi leads in Varanasi."},
                           {"@type": "BlogPosting", "headline": "Tokyo reacts", "articleBody": "Takaichi comments."}],
    }
    page = _page(f'<script type="application/ld+json">{json.dumps(ld)}</script><title>Election results live</title>',
                 "<h1>Election results live</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    ex = extract_article(page, "https://timesofindia.indiatimes.com/india/election-results-live-updates/liveblog/110.cms")
    assert not ex.is_article
    assert "live blog" in ex.reason and "LiveBlogPosting" in ex.reason


def test_gallery_url_is_not_an_article():
    page = _html_article_page()
    ex = extract_article(page, "https://economictimes.indiatimes.com/tech/iphone-se/slideshow/76280131.cms")
    assert not ex.is_article and "slideshow" in ex.reason


def test_broken_html_still_extracts_what_it_can():
    paragraphs = "".join(f"<p>{p}" for p in PARAGRAPHS)  # unclosed paragraphs
    page = ('<html><head><title>Modi and Japan talk trains - Example</title><meta property="og:type" content="article">'
            '<meta name="pubdate" content="2024-06-10"><body><div class="story"><h1>Modi and Japan talk trains'
            f"<div>{paragraphs}</span></td></table><p>Unclosed <b>bold")
    ex = extract_article(page, "https://news.example.com/india/modi-japan-9.html", default_tz="Asia/Kolkata")
    assert ex.title == "Modi and Japan talk trains"
    assert ex.published == datetime(2024, 6, 10, tzinfo=IST)
    for paragraph in PARAGRAPHS:
        assert paragraph in ex.body
    assert ex.is_article, ex.reason


def test_broken_json_ld_is_survived():
    page = _html_article_page(head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Cut off</script>')
    ex = extract_article(page, "https://news.example.com/world/modi-japan-talks-12345.html")
    assert ex.title == "Modi and Japan talk trains" and ex.is_article


def test_to_dict_is_json_serialisable_with_offsets():
    ex = extract_article(_hindu_page(), "https://www.thehindu.com/news/national/modi-japan-bullet-train/article68123456.ece")
    data = json.loads(json.dumps(ex.to_dict()))
    assert data["published"] == "2024-06-10T19:36:27+05:30"
    assert data["is_article"] is True
    assert set(data) == {f for f in Extracted.__dataclass_fields__}


@pytest.mark.parametrize(
    ("html", "url", "message"),
    [
        ("", "https://example.com/a", "empty"),
        ("   \n ", "https://example.com/a", "empty"),
        ("Just a plain sentence with no markup at all.", "https://example.com/a", "not HTML"),
        ("%PDF-1.7 binary", "https://example.com/a.pdf", "not HTML"),
        ("<html><body><p>x</p></body></html>", "not a url", "URL"),
        ("<html><body><p>x</p></body></html>", "ftp://example.com/a", "URL"),
    ],
)
def test_unusable_input_raises_one_clear_sentence(html, url, message):
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, url)
    text = str(caught.value)
    assert message in text and text.endswith(".") and "\n" not in text


def test_unknown_time_zone_is_a_clear_error():
    with pytest.raises(ExtractionError, match="time zone"):
        extract_article(_hindu_page(), "https://www.thehindu.com/a.ece", default_tz="India/Delhi")


def test_naive_times_without_a_default_zone_are_utc():
    ex = extract_article(_html_article_page(), "https://news.example.com/world/modi-japan-talks-12345.html")
    assert ex.published == datetime(2024, 6, 10, 10, 0, tzinfo=timezone.utc)


_FRAGMENTS = [
    "<html>", "<head>", "<body>", "<p>", "</p>", "<div class='share'>", "</div>", "<article>", "<h1>", "</h1>",
    "<a href='/x'>", "</a>", "Also Read:", "Modi", "高市", "मोदी", "<br>", "<script type='application/ld+json'>",
    '{"@type": "NewsArticle", "headline": "x", "datePublished": "2024-13-45"}', "</script>", "<meta property='og:type' content='article'>",
    "<!--", "-->", "<![CDATA[", "&amp;", "&#xD800;", "\x00", "<time datetime='yesterday'>", "06月24日", "<", ">", " ",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=40))
def test_any_markup_gives_a_result_or_one_extraction_error(parts):
    try:
        ex = extract_article("".join(parts), "https://news.example.com/a/b-1.html", default_tz="Asia/Kolkata")
    except ExtractionError as err:
        assert str(err).endswith(".")
    else:
        assert isinstance(ex.is_article, bool) and ex.reason
        json.dumps(ex.to_dict())


def test_section_front_with_summaries_is_not_an_article():
    cards = "".join(
        f'<div class="card"><h3><a href="/news/national/story-{i}/article6812{i:04d}.ece">Headline number {i} about the '
        f"national news of the day</a></h3><p>{PARAGRAPHS[i % 4]}</p></div>"
        for i in range(12)
    )
    page = _page('<title>National News - The Hindu</title><meta name="pubdate" content="2024-06-10">', f"<h1>National</h1>{cards}")
    ex = extract_article(page, "https://www.thehindu.com/news/national/")
    assert not ex.is_article
    assert "section or index page" in ex.reason


def test_next_data_article_is_found_by_shape_not_by_one_sites_path():
    blocks = [{"type": "paragraph", "text": p} for p in PARAGRAPHS[:2]]
    blocks.append({"type": "relatedArticle", "text": "Takaichi meets Biden in Washington"})
    blocks += [{"type": "paragraph", "text": p} for p in PARAGRAPHS[2:]]
    next_data = {"props": {"pageProps": {"initialState": {"story": {
        "headline": "Modi and Japan's PM review bullet train",
        "datePublished": "2024-06-10T09:15:00Z",
        "authors": [{"name": "Ravi Kumar"}, {"name": "Aiko Tanaka"}],
        "section": {"name": "World"},
        "body": blocks,
    }}, "sidebar": [{"title": "Takaichi rallies LDP", "text": "short"}]}}}
    page = _page('<title>Modi and Japan | Example Times</title>',
                 f'<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{json.dumps(next_data)}</script>')
    ex = extract_article(page, "https://www.example-times.in/world/modi-japan-review-bullet-train-101718000.html")
    assert ex.method == "next_data" and ex.is_article
    assert ex.title == "Modi and Japan's PM review bullet train"
    assert ex.summary is None
    assert ex.published == datetime(2024, 6, 10, 9, 15, tzinfo=timezone.utc)
    assert ex.authors == ["Ravi Kumar", "Aiko Tanaka"] and ex.section == "World"
    assert ex.body.split("\n\n") == PARAGRAPHS


def test_short_article_inside_a_share_named_container_is_kept():
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    page = _page('<title>Modi and Japan talk trains - Example</title><meta property="og:type" content="article">'
                 '<meta property="article:published_time" content="2024-06-10T10:00:00+05:30">',
                 f'<div class="story-body js-share-area">{paragraphs}</div>'
                 '<div class="share-bar"><a href="https://x.com/share">Share on X</a></div>')
    ex = extract_article(page, "https://news.example.com/india/modi-japan-talk-trains-12345.html")
    assert ex.body.split("\n\n") == PARAGRAPHS[:2]
    assert "Share on X" not in ex.body


@pytest.mark.parametrize(
    ("kind", "words"),
    [("ImageGallery", "photo gallery"), ("MediaGallery", "media gallery"), ("ItemList", "index"), ("WebPage", "WebPage")],
)
def test_json_ld_page_kinds_that_are_not_articles(kind, words):
    ld = {"@context": "https://schema.org", "@type": kind, "name": "Modi in Japan: in pictures"}
    page = _page(f'<title>Modi in Japan: in pictures</title><script type="application/ld+json">{json.dumps(ld)}</script>',
                 '<h1>Modi in Japan: in pictures</h1><figure><img src="/1.jpg"><figcaption>Arrival in Tokyo</figcaption></figure>')
    ex = extract_article(page, "https://www.hindustantimes.com/world-news/modi-in-japan-in-pictures-101718000000000.html")
    assert not ex.is_article
    assert words in ex.reason
    assert ex.title == "Modi in Japan: in pictures"
