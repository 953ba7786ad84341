"""One fetched page in, article fields out: the extraction pipeline.

Order of trust: schema.org JSON-LD, then the site's own embedded data
(``__NEXT_DATA__``), then the page's meta tags; trafilatura reads the body only
when neither structured source carries it, and htmldate finds the date only when
no markup states it.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime
from urllib.parse import urlsplit

import htmldate
import lxml.etree
import lxml.html
import regex
import trafilatura
from lxml.html import HtmlElement

from .boilerplate import (
    clean_paragraphs, normalise, paragraphs_from_html, paragraphs_from_text, prune_teasers, prune_tree,
)
from .charset import decode_html, looks_like_html
from .dates import complete_year, parse_datetime, yearless_date, zone
from .jsonld import (
    ARTICLE_TYPES, NON_ARTICLE_TYPES, WEBPAGE_TYPES, image_of, names_of, node_types, pick_article,
    read_jsonld, text_of,
)
from .metadata import PageMeta, detect_language, language_code
from .model import Extracted, ExtractionError
from .nextdata import SiteArticle, read_next_data

_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HTML_IN_TEXT = re.compile(
    r"</?(?:p|br|div|a|span|strong|em|b|i|h[1-6]|ul|ol|li|blockquote|iframe|script|img|figure|table|section)\b", re.I
)
_PLACEHOLDER_AUTHORS = {"no author", "unknown", "none", "null", "n/a", "author", "admin"}
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# URL path segments that name a page kind which is never one article.
_URL_KINDS = {
    "tag": "a tag index page", "tags": "a tag index page", "topic": "a topic index page",
    "topics": "a topic index page", "author": "an author page", "authors": "an author page",
    "search": "a search page", "video": "a video page", "videos": "a video page",
    "photo": "a photo gallery", "photos": "a photo gallery", "gallery": "a gallery",
    "galleries": "a gallery", "photogallery": "a photo gallery", "photo-gallery": "a photo gallery",
    "slideshow": "a slideshow", "slideshows": "a slideshow", "live-blog": "a live blog",
    "liveblog": "a live blog", "web-stories": "a web story", "webstories": "a web story",
    "visualstories": "a web story",
}
_MIN_STRUCTURED_BODY = 400  # shorter articleBody is usually a teaser: read the page too
_LIVE_BLOG_REASON = (
    "a live blog strings many unrelated updates together, so it is not stored as one article "
    "(two names from different updates would match a watchlist together)"
)


def parse_html(text: str) -> HtmlElement:
    """An lxml tree for a page's text; ExtractionError when nothing parses."""
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as err:
        raise ExtractionError("The page could not be parsed as HTML.") from err
    # Furigana readings (<rt>) would double every annotated Japanese word.
    for element in list(tree.iter("rt", "rp")):
        element.drop_tree()
    return tree


def count_words(text: str) -> int:
    """Words in Latin or Indic text; a Japanese or Chinese character counts as one.

    That is how the watchlist matcher tokenises CJK text, and it keeps short
    Japanese news items (300 characters) above the article thresholds.
    """
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def _clean_title(value: str | None) -> str | None:
    if not value:
        return None
    return normalise(html_lib.unescape(value)) or None


def _structured_body(value: str, teasers: list[str]) -> list[str]:
    value = value.strip()
    if "&lt;" in value or "&amp;" in value or "&#" in value:
        value = html_lib.unescape(value)
    if _HTML_IN_TEXT.search(value):
        paragraphs, more = paragraphs_from_html(value)
        teasers = teasers + more
    else:
        paragraphs = paragraphs_from_text(html_lib.unescape(value))
    return clean_paragraphs(paragraphs, teasers)


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len((p.text_content() or "").strip()) for p in element.iter("p"))


def _loose_chars(element: HtmlElement) -> int:
    return sum(len(t.strip()) for t in element.xpath("text()") if len(t.strip()) > 40)


def _prose_chars(element: HtmlElement) -> int:
    """Characters of running text: in <p> elements, or loose in <div>s (pages built with <br>)."""
    return _paragraph_chars(element) + sum(_loose_chars(div) for div in element.iter("div"))


def _wrap(region: HtmlElement) -> HtmlElement:
    root = lxml.html.Element("html")
    lxml.etree.SubElement(root, "body").append(region)
    return root


def _article_region(tree: HtmlElement) -> HtmlElement:
    """The element that holds the article's text, so trafilatura reads less.

    Trafilatura's cost grows with the page, and a news page is mostly menus and
    teasers around one article element. The region is used only when it holds
    most of the page's running text; otherwise trafilatura gets the whole page.
    """
    page_chars = _paragraph_chars(tree)
    if page_chars >= 300:
        for xpath in ("//*[@itemprop='articleBody' or @itemprop='articlebody']", "//article", "//main"):
            found = max(((_paragraph_chars(e), e) for e in tree.xpath(xpath)), key=lambda item: item[0], default=None)
            if found and found[0] >= 0.6 * page_chars:
                return _wrap(found[1])
        return tree
    # Text written straight into a <div> between <br>s (Times of India): that div is the article.
    loose = [(_loose_chars(div), div) for div in tree.iter("div")]
    total = sum(n for n, _ in loose)
    best = max(loose, key=lambda item: item[0], default=None)
    if best and best[0] >= 300 and best[0] >= 0.85 * total:
        return _wrap(_paragraphs_from_breaks(best[1]))
    return tree


_INLINE = frozenset({"a", "b", "strong", "i", "em", "span", "u", "small", "sup", "sub", "font", "abbr", "cite", "q", "time", "mark"})


def _paragraphs_from_breaks(div: HtmlElement) -> HtmlElement:
    """The div with each <br>-separated run of text and inline elements turned into a <p>.

    That is the shape trafilatura's fast pass reads, and it lets a trailing
    "Watch <link>" line be judged as a teaser of its own.
    """
    rebuilt = lxml.html.Element("div")
    current: HtmlElement | None = None

    def add_text(text: str | None) -> None:
        nonlocal current
        if not text or not text.strip():
            return
        if current is None:
            current = lxml.etree.SubElement(rebuilt, "p")
        if len(current):
            current[-1].tail = (current[-1].tail or "") + text
        else:
            current.text = (current.text or "") + text

    add_text(div.text)
    for child in list(div):
        tail, child.tail = child.tail, None
        if child.tag == "br":
            current = None
        elif isinstance(child.tag, str) and child.tag in _INLINE:
            if current is None:
                current = lxml.etree.SubElement(rebuilt, "p")
            current.append(child)
        else:
            rebuilt.append(child)
            current = None
        add_text(tail)
    return rebuilt


def _trafilatura_body(tree: HtmlElement, url: str, teasers: list[str]) -> list[str]:
    region = _article_region(tree)
    if region is not tree:
        teasers = teasers + prune_teasers(region)  # paragraphs rebuilt from <br> runs are new blocks
    options = dict(url=url, favor_precision=True, include_comments=False, include_tables=True,
                   deduplicate=False, with_metadata=False, output_format="txt")
    # The fast pass skips trafilatura's readability/jusText comparison, which costs
    # as much again; it is run only when the fast pass missed most of the prose.
    text = trafilatura.extract(region, fast=True, **options) or ""
    if len(text) < 0.5 * _prose_chars(region):
        text = max(text, trafilatura.extract(region, **options) or "", key=len)
    return clean_paragraphs(paragraphs_from_text(text), teasers)


def _htmldate(text: str, url: str, default_tz: str | None):
    try:
        found = htmldate.find_date(text, url=url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    return parse_datetime(found, default_tz) if found else None


def _url_kind(url: str) -> tuple[str, str] | None:
    path = urlsplit(url).path.lower()
    segments = [s for s in path.split("/") if s]
    for segment in segments[:-1] if len(segments) > 1 else segments:
        if segment in _URL_KINDS:
            return segment, _URL_KINDS[segment]
        if segment.startswith(("live-updates", "live-blog")):
            return segment, "a live blog"
    if segments and segments[-1] in _URL_KINDS:
        return segments[-1], _URL_KINDS[segments[-1]]
    return None


_STORY_ID = re.compile(r"\d{5,}|/(?:19|20)\d\d/\d{1,2}/\d{1,2}/|/(?:19|20)\d\d/[a-z]{3}/\d{1,2}/")


def _url_names_a_story(url: str) -> bool:
    """A story URL carries an id, a date path or a headline slug; a section front does not."""
    path = urlsplit(url).path.lower()
    if _STORY_ID.search(path):
        return True
    for segment in path.split("/"):
        stem = segment.rsplit(".", 1)[0]
        if len(re.split(r"[-_]+", stem)) >= 4:
            return True  # a headline slug
        if len(stem) >= 10 and re.search(r"\d", stem) and re.search(r"[a-z]", stem):
            return True  # an opaque id such as ASM2Q5HKNM2QUCVL02D
    return False


def _classify(url: str, nodes: list[dict], article_node: dict | None, site: SiteArticle | None,
              meta: PageMeta, words: int, has_date: bool) -> tuple[bool, str]:
    """Whether the page is one article, and the one-sentence reason."""
    types = set().union(*(node_types(n) for n in nodes)) if nodes else set()
    if "LiveBlogPosting" in types:
        return False, f"Not an article: its JSON-LD declares a LiveBlogPosting; {_LIVE_BLOG_REASON}."
    kind = _url_kind(url)
    if kind:
        return False, f"Not an article: the URL path segment '{kind[0]}' marks {kind[1]}."
    media = sorted(t for t in types if t in NON_ARTICLE_TYPES)
    if article_node is not None:
        article_type = sorted(node_types(article_node) & ARTICLE_TYPES)[0]
        if media and words < 80:
            return False, (f"Not an article: its JSON-LD declares {NON_ARTICLE_TYPES[media[0]]} ({media[0]}) "
                           f"and the {article_type} around it has only {words} words of text.")
        return True, f"Article: its JSON-LD declares a {article_type} and the body has {words} words."
    microdata = meta.microdata_types & ARTICLE_TYPES
    signal = meta.og_type == "article" or bool(microdata)
    if site is not None:
        return True, f"Article: the site's embedded page data (__NEXT_DATA__) holds an article with {words} words."
    if media:
        if signal and has_date and words >= 150:
            return True, (f"Article: the page is marked up as an article and has a dated {words}-word body, "
                          f"although its JSON-LD also declares {media[0]}.")
        return False, f"Not an article: its JSON-LD declares {NON_ARTICLE_TYPES[media[0]]} ({media[0]}) and no article."
    if meta.og_type.startswith("video"):
        return False, f"Not an article: og:type is '{meta.og_type}', a video page."
    if not [s for s in urlsplit(url).path.split("/") if s]:
        return False, "Not an article: the URL is a site's home page."
    if types & WEBPAGE_TYPES and not signal:
        return False, "Not an article: its JSON-LD declares only a WebPage and nothing marks the page as an article."
    if meta.og_type == "website" and not microdata:
        return False, "Not an article: og:type is 'website' and no markup declares an article."
    if signal and words >= 50:
        how = f"{sorted(microdata)[0]} microdata" if microdata else "og:type 'article'"
        return True, f"Article: {how} and a {words}-word body."
    if words >= 150 and has_date:
        if not _url_names_a_story(url):
            return False, ("Not an article: no article markup, and the URL has no story slug or id, "
                           "as a section or index page's does not.")
        return True, f"Article: no article markup, but a dated body of {words} words at a story URL."
    if not has_date:
        return False, f"Not an article: no article markup, no publication date and only {words} words of body text."
    return False, f"Not an article: no article markup and only {words} words of body text."


def extract_article(html: str, url: str, *, default_tz: str | None = None) -> Extracted:
    """Turn one fetched HTML page into article fields, with why it is or is not an article.

    ``html`` is the decoded page text (``response.text``; bytes are decoded with
    ``decode_html``). Times without a zone are taken to be in ``default_tz``
    (a tz database name such as "Asia/Kolkata"; UTC when None).

    Raises ExtractionError when the input is empty or not HTML at all; broken
    HTML is read as far as it goes.
    """
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html), None)
    if not isinstance(html, str):
        raise ExtractionError("extract_article expects the page's HTML as text.")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ExtractionError(f"extract_article needs the page's http(s) URL, not {url!r}.")
    zone(default_tz)
    if not html.strip():
        raise ExtractionError("The page is empty, so there is nothing to extract.")
    if not looks_like_html(html):
        raise ExtractionError("The page is not HTML: it has no HTML tags.")

    tree = parse_html(html)
    meta = PageMeta(tree, url)
    nodes = read_jsonld(tree)
    site = read_next_data(tree)
    article_node = pick_article(nodes, {url, meta.canonical or ""})
    # Without an article node, a video or gallery node still names the page and its date.
    page_types = NON_ARTICLE_TYPES.keys() | WEBPAGE_TYPES
    node = article_node or next(
        (n for n in nodes if node_types(n) & page_types and (n.get("headline") or n.get("name"))), {}
    )
    main_entity = node.get("mainEntityOfPage")
    canonical = meta.canonical or meta.absolute(
        text_of(node.get("url")) or (text_of(main_entity) if main_entity else None) or (site.url if site else None)
    )

    # A page its URL or JSON-LD already rules out (a slideshow, a video, a live blog) is
    # never stored, so the costly part, finding its body, is skipped.
    ruled_out = _url_kind(url) is not None or any("LiveBlogPosting" in node_types(n) for n in nodes)
    teasers = [] if ruled_out else prune_tree(tree)  # from here on the tree is the page without its furniture
    published, modified = _find_dates(html, url, tree, node, site, meta, default_tz)
    paragraphs, method = ([], "none") if ruled_out else _find_body(tree, url, node, site, teasers)
    title, page_title = _find_title(node, site, meta)
    if paragraphs and title and paragraphs[0].casefold() in (title.casefold(), (page_title or "").casefold()):
        paragraphs = paragraphs[1:]  # the headline repeated above the text
    body = "\n\n".join(paragraphs)

    authors = (names_of(node.get("author")) or names_of(node.get("creator"))
               or (site.authors if site else []) or meta.authors)
    authors = [normalise(html_lib.unescape(a)) for a in authors if a]
    authors = list(dict.fromkeys(a for a in authors if a and a.lower() not in _PLACEHOLDER_AUTHORS))
    section = text_of(node.get("articleSection")) or (site.section if site else None) or meta.section
    image = meta.absolute(image_of(node.get("image")) or (site.image if site else None)) or meta.image
    declared = language_code(text_of(node.get("inLanguage"))) or meta.declared_language()
    detected = detect_language(body or title or "")
    # Templates often say lang="en" whatever the edition; the script of the text decides then.
    language = detected if declared == "en" and detected not in (None, "en") else (declared or detected)

    is_article, reason = _classify(url, nodes, article_node, site, meta, count_words(body), published is not None)
    return Extracted(
        url=url, canonical_url=canonical, amp_url=meta.amp, title=title, body=body,
        published=published, modified=modified, authors=authors,
        section=normalise(html_lib.unescape(section)) if section else None,
        language=language, image=image, is_article=is_article, reason=reason, method=method or "none",
        summary=_clean_title(text_of(node.get("description")) or meta.description),
    )


def _find_dates(html: str, url: str, tree: HtmlElement, node: dict, site: SiteArticle | None,
                meta: PageMeta, default_tz: str | None) -> tuple[datetime | None, datetime | None]:
    """Published and modified times: JSON-LD, site data, meta tags, then htmldate."""
    published = parse_datetime(
        node.get("datePublished") or node.get("dateCreated") or node.get("uploadDate") or node.get("coverageStartTime"),
        default_tz,
    )
    if published is None and site is not None:
        published = parse_datetime(site.published, default_tz)
    if published is None:
        published = parse_datetime(meta.published, default_tz)
    if published is None:
        published = _htmldate(html, url, default_tz)
        # The page's own date element beats a date htmldate took from a link; it is
        # read from the pruned tree so that teaser cards' dates are gone.
        stated_day = yearless_date(tree) if published is not None else None
        if stated_day is not None:
            published = complete_year(stated_day, published) or published
    modified = parse_datetime(node.get("dateModified"), default_tz)
    if modified is None and site is not None:
        modified = parse_datetime(site.modified, default_tz)
    if modified is None:
        modified = parse_datetime(meta.modified, default_tz)
    return published, modified


def _find_body(tree: HtmlElement, url: str, node: dict, site: SiteArticle | None,
               teasers: list[str]) -> tuple[list[str], str]:
    """The body's paragraphs and where they came from: JSON-LD, site data, or trafilatura.

    A structured body shorter than a few sentences is usually a teaser for a
    paywalled or lazily loaded text, so the next source is tried and the longer kept.
    """
    paragraphs: list[str] = []
    method = ""
    article_body = node.get("articleBody")
    if isinstance(article_body, str) and article_body.strip():
        paragraphs, method = _structured_body(article_body, teasers), "jsonld"
    if len(" ".join(paragraphs)) < _MIN_STRUCTURED_BODY and site is not None and site.body:
        site_paragraphs = _structured_body(site.body, teasers)
        if len(" ".join(site_paragraphs)) > len(" ".join(paragraphs)):
            paragraphs, method = site_paragraphs, "next_data"
    if len(" ".join(paragraphs)) < _MIN_STRUCTURED_BODY:
        page_paragraphs = _trafilatura_body(tree, url, teasers)  # detaches the article region from tree
        if len(" ".join(page_paragraphs)) > len(" ".join(paragraphs)):
            paragraphs, method = page_paragraphs, "trafilatura"
    return paragraphs, method


def _find_title(node: dict, site: SiteArticle | None, meta: PageMeta) -> tuple[str | None, str | None]:
    """The headline, and the head's own title for comparison."""
    title = _clean_title(text_of(node.get("headline")) or text_of(node.get("name")))
    page_title = _clean_title(meta.page_title())
    if title and page_title and title.rstrip(".… ") != title and page_title.startswith(title.rstrip(".… ")):
        title = page_title  # JSON-LD headlines are cut at 110 characters on some sites
    return title or _clean_title(site.title if site else None) or page_title, page_title
