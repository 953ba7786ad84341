"""schema.org JSON-LD: finding the nodes a page declares and what kind of page it is."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle",
    "SatiricalArticle", "BlogPosting", "SocialMediaPosting", "Report", "TechArticle",
    "ScholarlyArticle", "AdvertiserContentArticle", "DiscussionForumPosting",
})
# Page kinds that are never stored as articles, with the phrase used in the reason.
NON_ARTICLE_TYPES = {
    "LiveBlogPosting": "a live blog",
    "VideoObject": "a video page",
    "VideoGallery": "a video gallery",
    "ImageGallery": "a photo gallery",
    "MediaGallery": "a media gallery",
    "Gallery": "a gallery",
    "CollectionPage": "a collection (index) page",
    "ItemList": "a list (index) page",
    "SearchResultsPage": "a search results page",
    "ProfilePage": "a profile page",
    "AboutPage": "an about page",
    "ContactPage": "a contact page",
    "PodcastEpisode": "a podcast episode",
    "AudioObject": "an audio page",
}
WEBPAGE_TYPES = frozenset({"WebPage", "ItemPage"})

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CDATA = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")


def _loads(text: str) -> Any:
    text = _CDATA.sub("", text.strip())
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        pass
    if "\\n" in text or "\\t" in text:
        # Pages saved through a script escaper carry literal "\n" between tokens.
        try:
            return json.loads(re.sub(r"\\[ntr]", " ", text), strict=False)
        except ValueError:
            pass
    # Some sites put several objects in one script, one after another.
    decoder, items, pos = json.JSONDecoder(strict=False), [], 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,;":
            pos += 1
        if pos >= len(text):
            break
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError:
            break
        items.append(item)
    return items or None


def node_types(node: dict) -> set[str]:
    """The node's @type values without any schema.org prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def _walk(data: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _walk(data["@graph"], depth + 1)
        if "@type" in data:
            yield data
            main = data.get("mainEntity")
            if isinstance(main, (dict, list)):
                yield from _walk(main, depth + 1)


def read_jsonld(tree: HtmlElement) -> list[dict]:
    """Every typed top-level node (lists and @graph flattened) in the page's JSON-LD scripts."""
    nodes: list[dict] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json" or not script.text:
            continue
        nodes.extend(_walk(_loads(script.text)))
    return nodes


def _same_page(node: dict, urls: set[str]) -> bool:
    candidates = [node.get("url"), node.get("@id")]
    main = node.get("mainEntityOfPage")
    candidates.append(main.get("@id") or main.get("url") if isinstance(main, dict) else main)
    return any(isinstance(c, str) and c.split("#")[0].rstrip("/") in urls for c in candidates)


def pick_article(nodes: list[dict], page_urls: set[str]) -> dict | None:
    """The article node describing this page, if the JSON-LD declares one.

    Related-story teasers are also NewsArticles on some sites, so a node naming
    this page's URL wins, then the one with the longest articleBody.
    """
    articles = [n for n in nodes if node_types(n) & ARTICLE_TYPES and not node_types(n) & NON_ARTICLE_TYPES.keys()]
    if not articles:
        return None
    urls = {u.split("#")[0].rstrip("/") for u in page_urls if u}
    same = [n for n in articles if _same_page(n, urls)]
    pool = same or articles

    def weight(node: dict) -> tuple[int, int]:
        body = node.get("articleBody")
        return (bool(node.get("headline")), len(body) if isinstance(body, str) else 0)

    return max(pool, key=weight)


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or a node."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or value.get("url") or value.get("@id"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def names_of(value: Any) -> list[str]:
    """Author-like names from a string, a Person/Organization node or a list of them."""
    if isinstance(value, list):
        names: list[str] = []
        for item in value:
            names.extend(names_of(item))
        return names
    if isinstance(value, dict):
        name = value.get("name")
        return names_of(name) if name else []
    if isinstance(value, str):
        value = value.strip()
        if not value or value.startswith(("http://", "https://", "/")):
            return []
        return [value]
    return []


def image_of(value: Any) -> str | None:
    """The first image URL of an ImageObject, a URL string or a list of either."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = image_of(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return image_of(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return None
