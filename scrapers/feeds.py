"""Reading feeds and sitemaps: RSS 2.0, Atom, sitemap urlsets (news sitemaps too) and indexes.

Parsed with lxml, entities unresolved and no network access, so a hostile feed can
neither expand entities nor make us fetch anything. Namespaces are ignored by
matching local names, since outlets use non-standard ones (The Hindu's news sitemap).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from lxml import etree, html as lxml_html


class FeedError(ValueError):
    """A feed or sitemap that cannot be read, in one sentence."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None = None
    published: dt.datetime | None = None
    modified: dt.datetime | None = None


@dataclass(frozen=True)
class Listing:
    kind: str  # "rss", "atom", "urlset", "sitemapindex", "html" or "json"
    entries: list[Entry]


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=False, remove_comments=True
)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _first_text(el, *names: str) -> str | None:
    for name in names:
        for c in el.iter():
            if _local(c.tag) == name and c.text and c.text.strip():
                return c.text.strip()
    return None


# Offsets written without their leading zero, as Mint's feed does ("+5:30").
_SHORT_OFFSET = re.compile(r"([+-])(\d):?(\d\d)$")
# "Sunday, June 27, 2021 02:56 PM +0530" (The New Indian Express).
_LONG_US = re.compile(
    r"^(?:[A-Za-z]+,\s*)?([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?\s*([AP]M)?\s*([+-]\d{4})$",
    re.IGNORECASE,
)
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["", "january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"]) if m}


def parse_date(text: str | None) -> dt.datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps), plus the variants Indian feeds use.

    None when unreadable or without a zone: a zoneless time in a feed is a guess we
    leave to the article page.
    """
    if not text:
        return None
    text = " ".join(text.split())
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = _rfc822(text) or _rfc822(_SHORT_OFFSET.sub(r"\g<1>0\2\3", text)) or _long_us(text)
    if value is None or value.tzinfo is None:
        return None
    return value


def _rfc822(text: str) -> dt.datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo is not None else None


def _long_us(text: str) -> dt.datetime | None:
    m = _LONG_US.match(text)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    month, day, year, hour, minute, second, half, offset = m.groups()
    hour = int(hour) % 12 + (12 if half and half.upper() == "PM" else 0) if half else int(hour)
    sign = 1 if offset[0] == "+" else -1
    zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    try:
        return dt.datetime(int(year), _MONTHS[month.lower()], int(day), hour, int(minute),
                           int(second or 0), tzinfo=zone)
    except ValueError:
        return None


def parse_listing(body: bytes) -> Listing:
    """Parse a feed or sitemap body; raises FeedError saying what is wrong with it."""
    if not body or not body.strip():
        raise FeedError("the document is empty")
    if _HTML_START.match(body):
        raise FeedError("it is an HTML page, neither a feed nor a sitemap (a bot wall, or the feed moved)")
    try:
        root = etree.fromstring(body.strip(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"it is not well-formed XML ({exc.msg})") from None
    kind = _local(root.tag)
    if kind == "rss" or kind == "RDF":
        items = [i for i in root.iter() if _local(i.tag) == "item"]
        entries = []
        for item in items:
            link = _first_text(item, "link") or _guid_link(item)
            if link:
                entries.append(Entry(
                    url=link,
                    title=_first_text(item, "title"),
                    published=parse_date(_first_text(item, "pubDate", "date")),
                    modified=parse_date(_first_text(item, "updated", "modified")),
                ))
        return Listing("rss", entries)
    if kind == "feed":
        entries = []
        for item in _children(root, "entry"):
            href = None
            for link in _children(item, "link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    href = link.get("href")
                    break
            if href:
                entries.append(Entry(
                    url=href.strip(),
                    title=_first_text(item, "title"),
                    published=parse_date(_first_text(item, "published")),
                    modified=parse_date(_first_text(item, "updated")),
                ))
        return Listing("atom", entries)
    if kind in ("urlset", "sitemapindex"):
        child = "url" if kind == "urlset" else "sitemap"
        entries = []
        for item in _children(root, child):
            loc = next((c.text.strip() for c in item if _local(c.tag) == "loc" and c.text), None)
            if not loc:
                continue
            entries.append(Entry(
                url=loc,
                title=_first_text(item, "title"),
                published=parse_date(_first_text(item, "publication_date")),
                modified=parse_date(_first_text(item, "lastmod")),
            ))
        return Listing(kind, entries)
    raise FeedError(f"its root element <{kind}> is neither a feed nor a sitemap")


_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


def parse_html_listing(body: bytes, base_url: str) -> Listing:
    """The links of an HTML listing page (a ministry's press-release index), absolute.

    The caller keeps those that look like the source's article URLs.
    """
    if not body or not body.strip():
        raise FeedError("the document is empty")
    try:
        doc = lxml_html.fromstring(body, base_url=base_url)
    except (etree.ParserError, ValueError) as exc:
        raise FeedError(f"it is not a readable HTML page ({exc})") from None
    doc.make_links_absolute(base_url, resolve_base_href=True)
    seen: set[str] = set()
    entries = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href in seen:
            continue
        seen.add(href)
        title = " ".join(a.text_content().split()) or None
        entries.append(Entry(url=href, title=title))
    return Listing("html", entries)


def _guid_link(item) -> str | None:
    for c in item:
        if _local(c.tag) == "guid" and c.get("isPermaLink", "true") == "true" and c.text:
            text = c.text.strip()
            if text.startswith(("http://", "https://")):
                return text
    return None
