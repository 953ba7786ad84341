"""Article data that JavaScript sites ship inside the page (Next.js ``__NEXT_DATA__``).

The article object is found by its shape, not by one site's path: a dict holding a
title-like key and a long body-like string. Business Standard keeps it at
``props.pageProps.data`` (pageTitle, publishDate in epoch seconds, htmlContent),
other Next.js sites elsewhere under other names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from lxml.html import HtmlElement

_TITLE_KEYS = ("headline", "pageTitle", "heading", "title", "seoTitle", "name")
_BODY_KEYS = (
    "htmlContent", "articleBody", "bodyHtml", "contentHtml", "body", "content", "storyContent", "html", "text",
)
_PUBLISHED_KEYS = (
    "datePublished", "publishDate", "publishedDate", "publishedAt", "published_at", "publishTime",
    "firstPublishedDate", "firstPublishDate", "pubDate", "publishedTime", "createdAt", "created_at",
)
_MODIFIED_KEYS = (
    "dateModified", "modifiedDate", "updateDate", "updatedDate", "updatedAt", "updated_at", "lastModified",
    "modifiedAt", "lastUpdated",
)
_SKIPPED_BLOCKS = {"related", "relatedarticle", "ad", "advertisement", "embed", "promo"}
_AUTHOR_KEYS = ("articleMappedMultipleAuthors", "authors", "author", "authorName", "byline")
_SECTION_KEYS = ("section", "sectionName", "category", "categoryName", "articleSection")
_IMAGE_KEYS = ("articleImageUrl", "image", "imageUrl", "featuredImage", "featuredImageObj", "leadImage", "thumbnail")
_URL_KEYS = ("canonicalUrl", "canonical", "articleUrl", "url")
_MIN_BODY = 200


@dataclass
class SiteArticle:
    """The fields found in a site's embedded article object (body is HTML or text)."""

    title: str | None = None
    body: str = ""
    published: Any = None
    modified: Any = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    image: str | None = None
    url: str | None = None


def _objects(data: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 12:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _objects(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, (dict, list)):
                yield from _objects(item, depth + 1)


def _first_str(obj: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _blocks_text(value: list) -> str:
    """Body given as a list of blocks ({"type": "paragraph", "text": …}) as <p> elements."""
    parts = []
    for block in value:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict):
            if str(block.get("type", "")).lower() in _SKIPPED_BLOCKS:
                continue
            text = next((block[k] for k in ("html", "text", "content", "value") if isinstance(block.get(k), str)), None)
            if text:
                parts.append(text)
    return "".join(f"<p>{part}</p>" if not part.lstrip().startswith("<") else part for part in parts)


def _body_of(obj: dict) -> str:
    best = ""
    for key in _BODY_KEYS:
        value = obj.get(key)
        if isinstance(value, list):
            value = _blocks_text(value)
        if isinstance(value, str) and len(value) > len(best):
            best = value
    return best


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() and not value.startswith("http") else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        for key in ("name", "authorName", "displayName", "title"):
            if isinstance(value.get(key), str):
                return _names(value[key])
        # {"123": "Name", ...} maps, as Business Standard's articleMappedMultipleAuthors
        if value and all(isinstance(v, str) for v in value.values()):
            return [v.strip() for v in value.values() if v.strip()]
    return []


def _image_of(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("http", "/")):
        return value
    if isinstance(value, dict):
        return _image_of(value.get("url") or value.get("src"))
    if isinstance(value, list) and value:
        return _image_of(value[0])
    return None


def _first_value(objs: list[dict], keys: tuple[str, ...]) -> Any:
    for obj in objs:
        for key in keys:
            value = obj.get(key)
            if value not in (None, "", [], {}):
                return value
    return None


def read_next_data(tree: HtmlElement) -> SiteArticle | None:
    """The article embedded in a Next.js page, or None when there is none."""
    script = None
    for candidate in tree.iter("script"):
        if candidate.get("id") == "__NEXT_DATA__":
            script = candidate
            break
    if script is None or not script.text:
        return None
    try:
        data = json.loads(script.text)
    except ValueError:
        return None

    best: dict | None = None
    best_score = 0
    for obj in _objects(data):
        body = _body_of(obj)
        if len(body) < _MIN_BODY or not _first_str(obj, _TITLE_KEYS):
            continue
        score = len(body) + (5000 if any(k in obj for k in _PUBLISHED_KEYS) else 0)
        if score > best_score:
            best, best_score = obj, score
    if best is None:
        return None

    # Metadata may sit beside the article object (e.g. pageProps.articleSchema).
    page_props = data.get("props", {}).get("pageProps", {}) if isinstance(data.get("props"), dict) else {}
    if not isinstance(page_props, dict):
        page_props = {}
    siblings = [v for v in page_props.values() if isinstance(v, dict) and v is not best]
    scope = [best, *siblings]
    return SiteArticle(
        title=_first_str(best, _TITLE_KEYS),
        body=_body_of(best),
        published=_first_value([best], _PUBLISHED_KEYS),
        modified=_first_value([best], _MODIFIED_KEYS),
        authors=_names(_first_value([best], _AUTHOR_KEYS)),
        section=_section(best),
        image=_image_of(_first_value(scope, _IMAGE_KEYS)),
        url=_first_str(best, _URL_KEYS),
    )


def _section(obj: dict) -> str | None:
    value = _first_value([obj], _SECTION_KEYS)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _first_str(value, ("name", "title", "h1_tag"))
    category = obj.get("defaultArticleCat")
    if isinstance(category, dict):
        return _first_str(category, ("h1_tag", "name", "category_name"))
    return None
