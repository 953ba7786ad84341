"""Reading feeds and sitemaps: RSS 2.0, Atom, sitemap urlsets (news sitemaps too) and indexes.

Parsed with lxml, entities unresolved and no network access, so a hostile feed can
neither expand entities nor make us fetch anything. Namespaces are ignored by
matching local names, since outlets use non-standard ones (The Hindu's news sitemap).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from lxml import etree


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
    kind: str  # "rss", "atom", "urlset" or "sitemapindex"
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


def parse_date(text: str | None) -> dt.datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps); None when unreadable or without a zone."""
    if not text:
        return None
    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:
        return None
    return value


def parse_listing(body: bytes) -> Listing:
    """Parse a feed or sitemap body; raises FeedError saying what is wrong with it."""
    if not body or not body.strip():
        raise FeedError("the document is empty")
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


def _guid_link(item) -> str | None:
    for c in item:
        if _local(c.tag) == "guid" and c.get("isPermaLink", "true") == "true" and c.text:
            text = c.text.strip()
            if text.startswith(("http://", "https://")):
                return text
    return None
