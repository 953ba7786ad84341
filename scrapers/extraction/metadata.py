"""What a page's <head> says about it: meta tags, links, title, language."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from .boilerplate import normalise

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "article.published", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date", "date", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime", "og:published_time",
    "article:published", "publication_date", "original-publish-date", "displaydate", "firstpublishedtime",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "last-modified", "lastmod", "dcterms.modified",
    "article.updated", "modified", "updated_time", "og:article:modified_time", "lastpublishedtime",
)
_IMAGE_META = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src", "image")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:•·»]\s+|\s*[｜：:]\s*(?=[^｜：:]*$)")
_LANG = re.compile(r"^[a-z]{2,3}(?=$|[-_])", re.I)
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ta", re.compile(r"[\u0b80-\u0bff]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("en", re.compile(r"[A-Za-z]")),
)


class PageMeta:
    """The meta tags and links of one page, read once."""

    def __init__(self, tree: HtmlElement, url: str) -> None:
        self.url = url
        self.meta: dict[str, str] = {}
        for element in tree.iter("meta"):
            key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
            content = element.get("content")
            if key and content and content.strip():
                self.meta.setdefault(key.strip().lower(), content.strip())
        self.links: dict[str, str] = {}
        for element in tree.iter("link"):
            rel = (element.get("rel") or "").strip().lower()
            href = (element.get("href") or "").strip()
            if rel and href:
                self.links.setdefault(rel, href)
        html = tree if tree.tag == "html" else tree.getroottree().getroot()
        self.html_lang = (html.get("lang") or html.get("xml:lang") or "").strip() if html is not None else ""
        title = tree.find(".//title")
        self.title_tag = normalise(title.text_content()) if title is not None else ""
        self.h1 = [normalise(h.text_content()) for h in tree.iter("h1")]
        self.h1 = [h for h in self.h1 if h]
        self.itemprops: dict[str, str] = {}
        for element in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified' or @itemprop='author']"):
            value = element.get("content") or element.get("datetime") or normalise(element.text_content())
            if value:
                self.itemprops.setdefault(element.get("itemprop").lower(), value)
        self.microdata_types = {
            t.rsplit("/", 1)[-1] for t in tree.xpath("//@itemtype") if isinstance(t, str)
        }

    def absolute(self, link: str | None) -> str | None:
        """An absolute http(s) URL for a link found on the page, or None."""
        if not link or not isinstance(link, str):
            return None
        link = link.strip()
        if link.startswith("//"):
            link = f"{urlsplit(self.url).scheme or 'https'}:{link}"
        joined = urljoin(self.url, link)
        return joined if joined.startswith(("http://", "https://")) else None

    def first(self, keys: tuple[str, ...]) -> str | None:
        for key in keys:
            if key in self.meta:
                return self.meta[key]
        return None

    @property
    def canonical(self) -> str | None:
        return self.absolute(self.links.get("canonical") or self.meta.get("og:url"))

    @property
    def amp(self) -> str | None:
        return self.absolute(self.links.get("amphtml"))

    @property
    def og_type(self) -> str:
        return (self.meta.get("og:type") or "").lower()

    @property
    def image(self) -> str | None:
        return self.absolute(self.first(_IMAGE_META))

    @property
    def authors(self) -> list[str]:
        value = self.first(_AUTHOR_META) or self.itemprops.get("author")
        if not value or value.startswith(("http://", "https://")):
            return []
        value = re.sub(r"^by\s+", "", value, flags=re.I)
        return [part.strip() for part in re.split(r"\s*(?:,|\band\b|&)\s*", value) if part.strip()]

    @property
    def description(self) -> str | None:
        return self.first(("og:description", "description", "twitter:description"))

    @property
    def section(self) -> str | None:
        return self.first(("article:section", "section", "parsely-section", "cxenseparse:recs:category", "og:section"))

    @property
    def published(self) -> str | None:
        return self.first(PUBLISHED_META) or self.itemprops.get("datepublished")

    @property
    def modified(self) -> str | None:
        return self.first(MODIFIED_META) or self.itemprops.get("datemodified")

    def declared_language(self) -> str | None:
        declared = (self.html_lang, *(self.meta.get(key) for key in ("content-language", "og:locale", "language", "dc.language")))
        for value in declared:
            code = language_code(value)
            if code:
                return code
        return None

    def page_title(self) -> str | None:
        """The best headline from the head: og:title or <title>, minus the site's name."""
        site = self.meta.get("og:site_name") or self.meta.get("application-name")
        for candidate in (self.meta.get("og:title"), self.meta.get("twitter:title"), self.title_tag):
            if candidate:
                return strip_site_name(normalise(candidate), site, self.h1)
        return self.h1[0] if self.h1 else None


def language_code(value: object) -> str | None:
    """'en' from 'en-IN', 'en_US', 'EN'; None for anything else."""
    if not isinstance(value, str):
        return None
    match = _LANG.match(value.strip())
    return match.group(0).lower() if match else None


def detect_language(text: str) -> str | None:
    """The language by its script's share of the letters (Japanese when kana appear among Han)."""
    sample = text[:3000]
    counts = {code: len(pattern.findall(sample)) for code, pattern in _SCRIPTS}
    if counts["ja"] >= 10:
        counts["ja"] += counts.pop("zh")
    code, count = max(counts.items(), key=lambda item: item[1])
    return code if count >= 20 else None


def strip_site_name(title: str, site: str | None, h1s: list[str]) -> str:
    """'Headline | Site' -> 'Headline', when the suffix is the site's name or an <h1> is the headline."""
    for h1 in h1s:
        if h1 and h1 in title and len(h1) >= 0.5 * len(title):
            return h1
    site_key = re.sub(r"\W+", "", (site or "").lower())
    for _ in range(2):
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            break
        tail = re.sub(r"\W+", "", parts[-1].lower())
        is_site = bool(site_key and tail and (tail in site_key or site_key in tail))
        # A short last part ("Mint", "India News", "日本経済新聞") names the site or section.
        is_short = len(parts[-1]) <= 25 and len(parts[-1].split()) <= 4 and len(" ".join(parts[:-1])) > 20
        if not (is_site or is_short):
            break
        title = _rejoin(title, parts[-1])
    return title


def _rejoin(title: str, tail: str) -> str:
    head = title[: title.rfind(tail)]
    return re.sub(r"[\s|\-–—:•·»｜：]+$", "", head).strip() or title
