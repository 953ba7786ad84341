"""The recorded news web `newsradar demo` replays, and the WARC writer that records it.

`build_demo_web()` returns every HTTP response of three news sites as they stood on
24 November 2025 around 10:00 IST: robots.txt, RSS feeds, Google News sitemaps and the
article pages they list. `write_warc()` stores those responses as a gzipped WARC file
(a request and a response record per URL) that the crawler replays offline.

The web is built so that watching `Modi + Takaichi` yields exactly one alert, for
`DEMO_EXPECTED_ALERT_URL`; every other page shows a way a naive matcher would be
fooled (a name only in a sidebar, in site data, in an inline "Also Read" link, in a
month-old story, or the same story under a tracking or AMP URL).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from newsradar.demo import sites, stories
from newsradar.demo.stories import DemoError, Story

#: When the demo web was "captured": 2025-11-24 10:00 IST.
DEMO_CAPTURE_TIME = datetime(2025, 11, 24, 4, 30, tzinfo=timezone.utc)
#: The watch the demo registers.
DEMO_WATCH = "Modi + Takaichi"

BS = f"https://{sites.BS_HOST}"
HINDU = f"https://{sites.HINDU_HOST}"
JT = f"https://{sites.JT_HOST}"

_TRACKING = "?utm_source=rss&utm_medium=feed"

# Canonical URL of each demo article.
URL_TAKAICHI_MODI = f"{BS}/world-news/{stories.TAKAICHI_MODI_G20.slug}-125112400123_1.html"
URL_TAKAICHI_MODI_AMP = f"{BS}/amp/world-news/{stories.TAKAICHI_MODI_G20.slug}-125112400123_1.html"
URL_MODI_BILATERALS = f"{BS}/india-news/{stories.MODI_G20_BILATERALS.slug}-125112301456_1.html"
URL_MODI_PROPOSALS = f"{BS}/world-news/{stories.MODI_G20_PROPOSALS.slug}-125112201389_1.html"
URL_MARKETS = f"{BS}/markets/news/{stories.MARKETS_OPEN_HIGHER.slug}-125112400245_1.html"
URL_MARKETS_TRACKED = URL_MARKETS + _TRACKING
URL_GDP = f"{BS}/economy/news/{stories.GDP_PREVIEW.slug}-125112400187_1.html"
URL_MODI_RETURNS = f"{HINDU}/news/national/{stories.MODI_RETURNS_FROM_G20.slug}/article70321456.ece"
URL_MODI_CONGRATULATES = (
    f"{HINDU}/news/national/{stories.MODI_CONGRATULATES_TAKAICHI.slug}/article70187342.ece"
)
URL_DELHI_AIR = f"{HINDU}/news/cities/Delhi/{stories.DELHI_AIR.slug}/article70321802.ece"
URL_TAKAICHI_BUDGET = (
    f"{JT}/news/2025/11/24/japan/politics/{stories.TAKAICHI_EXTRA_BUDGET.slug}/"
)
URL_G20_DECLARATION = f"{JT}/news/2025/11/23/world/politics/{stories.G20_DECLARATION.slug}/"
URL_BEARS = f"{JT}/news/2025/11/24/japan/{stories.BEAR_HUNTERS.slug}/"
# The Hindu's own write-up of the meeting: only linked from an "Also Read" paragraph,
# never recorded, so the demo has a single story naming both leaders.
_URL_HINDU_MEETING_LINK = f"{HINDU}/news/national/takaichi-modi-discuss-chips-ai-g20/article70321207.ece"
_HINDU_MEETING_TITLE = "Takaichi, Modi discuss chips and AI cooperation at G20"

#: The one article the demo watch must alert on.
DEMO_EXPECTED_ALERT_URL = URL_TAKAICHI_MODI

#: Canonical URL -> story, for every article in the demo web (each must be stored once).
DEMO_ARTICLES: Mapping[str, Story] = {
    URL_TAKAICHI_MODI: stories.TAKAICHI_MODI_G20,
    URL_MODI_BILATERALS: stories.MODI_G20_BILATERALS,
    URL_MODI_PROPOSALS: stories.MODI_G20_PROPOSALS,
    URL_MARKETS: stories.MARKETS_OPEN_HIGHER,
    URL_GDP: stories.GDP_PREVIEW,
    URL_MODI_RETURNS: stories.MODI_RETURNS_FROM_G20,
    URL_MODI_CONGRATULATES: stories.MODI_CONGRATULATES_TAKAICHI,
    URL_DELHI_AIR: stories.DELHI_AIR,
    URL_TAKAICHI_BUDGET: stories.TAKAICHI_EXTRA_BUDGET,
    URL_G20_DECLARATION: stories.G20_DECLARATION,
    URL_BEARS: stories.BEAR_HUNTERS,
}

FEED_BS_LATEST = f"{BS}/rss/latest.rss"
FEED_BS_TOP = f"{BS}/rss/home_page_top_stories.rss"
SITEMAP_BS = f"{BS}/sitemap/google-news-sitemap.xml"
SITEMAP_BS_LATEST = f"{BS}/sitemap/latest-news-sitemap.xml"
FEED_BS_ECONOMY = f"{BS}/rss/economy-102.rss"
FEED_HINDU = f"{HINDU}/feeder/default.rss"
FEED_HINDU_NATIONAL = f"{HINDU}/news/national/feeder/default.rss"
FEED_HINDU_INTERNATIONAL = f"{HINDU}/news/international/feeder/default.rss"
SITEMAP_HINDU = f"{HINDU}/sitemap/googlenews/all/all.xml"
FEED_JT = f"{JT}/feed/"
SITEMAP_JT = f"{JT}/sitemap_news.xml"

#: Host -> the feeds and news sitemaps a crawler starts from on that host.
DEMO_START_URLS: Mapping[str, tuple[str, ...]] = {
    sites.BS_HOST: (FEED_BS_LATEST, FEED_BS_TOP, FEED_BS_ECONOMY, SITEMAP_BS, SITEMAP_BS_LATEST),
    sites.HINDU_HOST: (FEED_HINDU, FEED_HINDU_NATIONAL, FEED_HINDU_INTERNATIONAL, SITEMAP_HINDU),
    sites.JT_HOST: (FEED_JT, SITEMAP_JT),
}

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class WebRecord:
    """One recorded HTTP response: what a server sent for `url`."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        """The Content-Type header, or "" when the response has none."""
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value
        return ""


def _record(url: str, content_type: str, text: str, *, modified: datetime | None = None) -> WebRecord:
    body = text.encode("utf-8")
    headers = {
        "Date": format_datetime(DEMO_CAPTURE_TIME, usegmt=True),
        "Server": "nginx",
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Cache-Control": "public, max-age=60" if content_type != HTML else "public, max-age=300",
        "ETag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"',
    }
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.astimezone(timezone.utc), usegmt=True)
    return WebRecord(url=url, status=200, headers=headers, body=body)


def _article(url: str, html: str) -> WebRecord:
    return _record(url, HTML, html, modified=DEMO_ARTICLES[url].last_modified)


def _bs_pages() -> list[WebRecord]:
    s = stories
    # The sidebar every Business Standard page carries, minus the page's own story.
    plain_trending = [
        (s.MARKETS_OPEN_HIGHER.title, URL_MARKETS),
        (s.GDP_PREVIEW.title, URL_GDP),
        (s.MODI_G20_PROPOSALS.title, URL_MODI_PROPOSALS),
    ]
    # Only the G20 proposals page features the Takaichi meeting in its sidebar.
    proposals_trending = [
        (s.TAKAICHI_MODI_G20.title, URL_TAKAICHI_MODI),
        (s.MARKETS_OPEN_HIGHER.title, URL_MARKETS),
        (s.GDP_PREVIEW.title, URL_GDP),
        (s.MODI_G20_BILATERALS.title, URL_MODI_BILATERALS),
    ]

    def others(own: str) -> list[tuple[str, str]]:
        return [link for link in plain_trending if link[1] != own]

    markets_html = sites.business_standard_article(
        s.MARKETS_OPEN_HIGHER, URL_MARKETS, trending=others(URL_MARKETS)
    )
    return [
        _article(
            URL_TAKAICHI_MODI,
            sites.business_standard_article(
                s.TAKAICHI_MODI_G20,
                URL_TAKAICHI_MODI,
                trending=others(""),
                amp_url=URL_TAKAICHI_MODI_AMP,
            ),
        ),
        _record(
            URL_TAKAICHI_MODI_AMP,
            HTML,
            sites.business_standard_amp_article(
                s.TAKAICHI_MODI_G20, URL_TAKAICHI_MODI_AMP, canonical=URL_TAKAICHI_MODI
            ),
            modified=s.TAKAICHI_MODI_G20.last_modified,
        ),
        _article(
            URL_MODI_BILATERALS,
            sites.business_standard_article(
                s.MODI_G20_BILATERALS, URL_MODI_BILATERALS, trending=others("")
            ),
        ),
        _article(
            URL_MODI_PROPOSALS,
            sites.business_standard_article(
                s.MODI_G20_PROPOSALS, URL_MODI_PROPOSALS, trending=proposals_trending
            ),
        ),
        _article(URL_MARKETS, markets_html),
        # The same page reached through the feed's tracking link; rel=canonical names
        # the clean URL, as the live site does.
        _record(URL_MARKETS_TRACKED, HTML, markets_html, modified=s.MARKETS_OPEN_HIGHER.last_modified),
        _article(
            URL_GDP,
            sites.business_standard_article(s.GDP_PREVIEW, URL_GDP, trending=others(URL_GDP)),
        ),
    ]


def _hindu_pages() -> list[WebRecord]:
    s = stories
    return [
        _article(
            URL_MODI_RETURNS,
            sites.hindu_article(
                s.MODI_RETURNS_FROM_G20,
                URL_MODI_RETURNS,
                also_read=(_HINDU_MEETING_TITLE, _URL_HINDU_MEETING_LINK),
                related=[(s.DELHI_AIR.title, URL_DELHI_AIR)],
            ),
        ),
        _article(
            URL_MODI_CONGRATULATES,
            sites.hindu_article(
                s.MODI_CONGRATULATES_TAKAICHI,
                URL_MODI_CONGRATULATES,
                related=[(s.MODI_RETURNS_FROM_G20.title, URL_MODI_RETURNS)],
            ),
        ),
        _article(
            URL_DELHI_AIR,
            sites.hindu_article(
                s.DELHI_AIR,
                URL_DELHI_AIR,
                related=[(s.MODI_RETURNS_FROM_G20.title, URL_MODI_RETURNS)],
            ),
        ),
    ]


def _jt_pages() -> list[WebRecord]:
    s = stories
    return [
        _article(
            URL_TAKAICHI_BUDGET,
            sites.japantimes_article(
                s.TAKAICHI_EXTRA_BUDGET,
                URL_TAKAICHI_BUDGET,
                related=[(s.G20_DECLARATION.title, URL_G20_DECLARATION)],
            ),
        ),
        _article(
            URL_G20_DECLARATION,
            sites.japantimes_article(
                s.G20_DECLARATION,
                URL_G20_DECLARATION,
                related=[(s.BEAR_HUNTERS.title, URL_BEARS)],
            ),
        ),
        _article(
            URL_BEARS,
            sites.japantimes_article(
                s.BEAR_HUNTERS,
                URL_BEARS,
                related=[(s.G20_DECLARATION.title, URL_G20_DECLARATION)],
            ),
        ),
    ]


def _listings() -> list[WebRecord]:
    s = stories
    bs_latest = [
        (s.MARKETS_OPEN_HIGHER, URL_MARKETS_TRACKED),
        (s.GDP_PREVIEW, URL_GDP),
        (s.TAKAICHI_MODI_G20, URL_TAKAICHI_MODI),
        (s.MODI_G20_BILATERALS, URL_MODI_BILATERALS),
        (s.MODI_G20_PROPOSALS, URL_MODI_PROPOSALS),
    ]
    bs_top = [
        (s.TAKAICHI_MODI_G20, URL_TAKAICHI_MODI_AMP),
        (s.GDP_PREVIEW, URL_GDP),
        (s.MODI_G20_BILATERALS, URL_MODI_BILATERALS),
    ]
    bs_sitemap = [
        (s.MARKETS_OPEN_HIGHER, URL_MARKETS),
        (s.GDP_PREVIEW, URL_GDP),
        (s.TAKAICHI_MODI_G20, URL_TAKAICHI_MODI),
        (s.MODI_G20_BILATERALS, URL_MODI_BILATERALS),
        (s.MODI_G20_PROPOSALS, URL_MODI_PROPOSALS),
    ]
    hindu_feed = [
        (s.DELHI_AIR, URL_DELHI_AIR),
        (s.MODI_RETURNS_FROM_G20, URL_MODI_RETURNS),
        # An old story the feed still carries: stored, but too old to alert.
        (s.MODI_CONGRATULATES_TAKAICHI, URL_MODI_CONGRATULATES),
    ]
    hindu_sitemap = [(s.DELHI_AIR, URL_DELHI_AIR), (s.MODI_RETURNS_FROM_G20, URL_MODI_RETURNS)]
    jt_items = [
        (s.TAKAICHI_EXTRA_BUDGET, URL_TAKAICHI_BUDGET),
        (s.BEAR_HUNTERS, URL_BEARS),
        (s.G20_DECLARATION, URL_G20_DECLARATION),
    ]
    return [
        _record(f"{BS}/robots.txt", TEXT, sites.robots_txt(sites.BS_HOST)),
        _record(
            FEED_BS_LATEST,
            RSS,
            sites.rss_feed(
                "Business Standard - Latest News",
                BS,
                bs_latest,
                description="The latest news from Business Standard",
                self_url=FEED_BS_LATEST,
            ),
        ),
        _record(
            FEED_BS_TOP,
            RSS,
            sites.rss_feed(
                "Home Page", BS, bs_top, description="Top stories", self_url=FEED_BS_TOP
            ),
        ),
        # A section feed: the economy stories only.
        _record(
            FEED_BS_ECONOMY,
            RSS,
            sites.rss_feed("Economy", BS, bs_latest[:2], self_url=FEED_BS_ECONOMY),
        ),
        _record(SITEMAP_BS, XML, sites.news_sitemap(bs_sitemap, publication="Business Standard")),
        # The second news sitemap robots.txt names: the newest stories only.
        _record(
            SITEMAP_BS_LATEST,
            XML,
            sites.news_sitemap(bs_sitemap[:3], publication="Business Standard"),
        ),
        _record(f"{HINDU}/robots.txt", TEXT, sites.robots_txt(sites.HINDU_HOST)),
        _record(
            FEED_HINDU,
            RSS,
            sites.rss_feed("The Hindu - Default", HINDU + "/", hindu_feed, self_url=FEED_HINDU),
        ),
        _record(
            FEED_HINDU_NATIONAL,
            RSS,
            sites.rss_feed("The Hindu - National", HINDU + "/", hindu_feed, self_url=FEED_HINDU_NATIONAL),
        ),
        _record(
            FEED_HINDU_INTERNATIONAL,
            RSS,
            sites.rss_feed("The Hindu - International", HINDU + "/", hindu_feed[1:2],
                           self_url=FEED_HINDU_INTERNATIONAL),
        ),
        _record(
            SITEMAP_HINDU,
            XML,
            sites.news_sitemap(hindu_sitemap, publication="The Hindu", namespace=sites.HINDU),
        ),
        _record(f"{JT}/robots.txt", TEXT, sites.robots_txt(sites.JT_HOST)),
        _record(
            FEED_JT,
            RSS,
            sites.rss_feed(
                "The Japan Times", JT + "/", jt_items,
                description="News on Japan, business, sports, culture", self_url=FEED_JT,
            ),
        ),
        _record(
            SITEMAP_JT, XML, sites.news_sitemap(jt_items, publication="The Japan Times")
        ),
    ]


def build_demo_web() -> list[WebRecord]:
    """Every response of the demo web, in a fixed order (the same on every call)."""
    return [*_listings(), *_bs_pages(), *_hindu_pages(), *_jt_pages()]


# --- WARC -------------------------------------------------------------------------

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found"}
_RECORD_NS = uuid.UUID("6f1c1f5e-3b1d-4f0e-9a57-6e6577737261")


def _record_id(kind: str, url: str) -> str:
    # Stable ids make the same web produce the same WARC bytes.
    return f"<urn:uuid:{uuid.uuid5(_RECORD_NS, kind + ' ' + url)}>"


def write_warc(
    records: Iterable[WebRecord],
    path: str | Path,
    *,
    capture_time: datetime = DEMO_CAPTURE_TIME,
) -> Path:
    """Write `records` to a gzipped WARC file at `path` and return its path.

    Each URL gets a `request` and a `response` record dated `capture_time`; the
    response keeps the recorded status, headers and body byte for byte.
    """
    if capture_time.utcoffset() is None:
        raise DemoError("The WARC capture time needs a timezone.")
    records = list(records)
    seen: set[str] = set()
    for record in records:
        if record.url in seen:
            raise DemoError(f"The URL {record.url} is recorded twice; a WARC holds one response per URL.")
        seen.add(record.url)
        if urlsplit(record.url).scheme not in ("http", "https"):
            raise DemoError(f"Cannot record {record.url!r}: only http(s) URLs can be recorded.")

    target = Path(path)
    warc_date = datetime_to_iso_date(capture_time.astimezone(timezone.utc).replace(tzinfo=None))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_file(target, records, warc_date)
    except OSError as exc:
        raise DemoError(f"Cannot write the WARC file {target}: {exc.strerror or exc}.") from None
    return target


def _write_file(target: Path, records: list[WebRecord], warc_date: str) -> None:
    with target.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = writer.create_warcinfo_record(
            target.name,
            {"software": "newsradar demo recorder", "format": "WARC File Format 1.0"},
        )
        info.rec_headers.replace_header("WARC-Date", warc_date)
        info.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo", target.name))
        writer.write_record(info)
        for record in records:
            _write_pair(writer, record, warc_date)


def _write_pair(writer: WARCWriter, record: WebRecord, warc_date: str) -> None:
    parts = urlsplit(record.url)
    request_target = parts.path or "/"
    if parts.query:
        request_target += "?" + parts.query
    request_headers = StatusAndHeaders(
        f"GET {request_target} HTTP/1.1",
        [
            ("Host", parts.netloc),
            ("User-Agent", "newsradar-demo-recorder/1.0"),
            ("Accept", "*/*"),
            ("Accept-Encoding", "identity"),
        ],
        is_http_request=True,
    )
    request = writer.create_warc_record(
        record.url,
        "request",
        http_headers=request_headers,
        warc_headers_dict={
            "WARC-Date": warc_date,
            "WARC-Record-ID": _record_id("request", record.url),
        },
    )
    reason = _REASONS.get(record.status, "Unknown")
    response_headers = StatusAndHeaders(
        f"{record.status} {reason}", list(record.headers.items()), protocol="HTTP/1.1"
    )
    response = writer.create_warc_record(
        record.url,
        "response",
        payload=BytesIO(record.body),
        length=len(record.body),
        http_headers=response_headers,
        warc_headers_dict={
            "WARC-Date": warc_date,
            "WARC-Record-ID": _record_id("response", record.url),
        },
    )
    writer.write_request_response_pair(request, response)
