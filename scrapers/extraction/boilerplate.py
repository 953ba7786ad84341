"""Removing what is on an article page but is not the article.

The product's worst bug is a watchlist matching names that only appear in other
stories' teasers: trending sidebars, related lists, and inline "Also Read: <link>"
paragraphs. Trafilatura keeps the last kind, so they are removed here first, and
their link texts are remembered to scrub them from plain-text bodies (JSON-LD
articleBody) as well.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

_LABEL = (
    r"(?:also\s+read|read\s+also|read\s+more|also\s+see|see\s+also|also\s+watch|must\s+read|"
    r"don'?t\s+miss|related(?:\s+(?:stories|story|news|articles?|posts?|coverage|links?))?|"
    r"recommended(?:\s+stories)?|trending(?:\s+now|\s+stories)?|more\s+(?:from|on|stories)[^:|]{0,30}|"
    r"suggested(?:\s+reading)?|click\s+here|read|watch|listen|latest|top\s+stories|"
    r"यह\s+भी\s+पढ़ें|ये\s+भी\s+पढ़ें|इसे\s+भी\s+पढ़ें|और\s+पढ़ें|पढ़ें|देखें|"
    r"関連記事|関連ニュース|関連リンク|あわせて読みたい|合わせて読みたい|こちらもおすすめ|おすすめ記事)"
)
# A separator after a label: a colon or bar, or a dash with spaces ("Read-only" is prose).
_SEP = r"(?:\s*[:|：>»]+|\s+[\-–—]+)\s*"
# "ALSO READ" alone (a heading over a list of links).
LABEL_ONLY = re.compile(rf"^\W*{_LABEL}\W*$", re.I)
# "Also Read: <another story's title>" as a whole paragraph.
LABEL_LINE = re.compile(rf"^\W*{_LABEL}{_SEP}\S.{{0,300}}$", re.I | re.S)
_PROMO_LINE = re.compile(
    r"^\W*(?:subscribe\s+(?:to|now)|sign\s+up\s+(?:for|to)|follow\s+us\s+on|join\s+(?:us|our)\s+on|"
    r"download\s+(?:the|our)\s+\w*\s*app|catch\s+all\s+the\s+.{0,60}news|get\s+the\s+latest\s+.{0,40}news|"
    r"for\s+(?:all\s+the\s+)?(?:latest|more)\s+.{0,40}news,?\s+(?:download|follow|visit|click)|"
    r"click\s+here\s+to|share\s+this\s+(?:article|story)|first\s+published\s*:|our\s+standards\s*:|"
    r"read\s+this\s+(?:story|article)\s+in\s+\w+$|この記事は(?:有料)?会員限定|続きを読む|続きは(?:会員|有料)|"
    r"(?:無料)?会員登録(?:すると|で)|.{0,20}ニュースを英語で読む$|"
    r"(?:this|the)\s+story\s+(?:has\s+been|was)\s+(?:published|auto-generated)\s+from\s+a\s+(?:wire|syndicated))",
    re.I,
)
# Card furniture left behind when a teaser's headline link is removed: "3 min read.26 Feb 2021".
_CARD_META_LINE = re.compile(
    r"^\W*(?:\d+\s*min(?:ute)?s?\s*read\b.{0,40}|"
    r"(?:updated|published)\s*:?\s*.{0,40}\d{1,2}:\d{2}\s*(?:am|pm)?\s*(?:ist|jst|gmt|utc)?|"
    r"\d{1,2}:\d{2}\s*(?:am|pm)\s*(?:ist|jst|gmt|utc)?)\W*$",
    re.I,
)
_CONTAINER_HINT = re.compile(
    r"(?:^|[\s_\-])(?:trending|related|also-?read|alsoread|read-?also|readalso|read-?more|more-?stories|"
    r"recommend\w*|newsletter\w*|subscribe\w*|subscription|share\w*|sharing|social\w*|sidebar|side-bar|"
    r"rightrail|right-rail|right-col\w*|breadcrumbs?|most-?(?:read|popular|viewed)|popular|taboola|outbrain|"
    r"advert\w*|ads?|ad-\w+|dfp\w*|promo\w*|footer|comments?|tags?|topics?|also-?see|"
    r"top-?stories|latest-?news|widget\w*)(?:$|[\s_\-])",
    re.I,
)
_HOLDS_ARTICLE = ".//h1 | .//main | .//*[@itemprop='articleBody' or @itemprop='articlebody']"
_NEVER_REMOVED = frozenset({"html", "body", "main", "article"})
_DROP_TAGS = ("nav", "aside", "footer", "form", "button", "noscript", "style", "iframe", "svg", "select", "template")
_TEASER_BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "div", "td", "dd", "blockquote"}
_LABEL_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "div", "span", "strong", "b", "em", "dt")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = ("p", "div", "li", "ul", "ol", *_HEADINGS, "blockquote", "section", "article", "br", "tr", "figure", "header", "pre")
_NESTED_BLOCKS = {"p", "div", "li", "ul", "ol", "section", "article", "table", "blockquote", *_HEADINGS}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def _remove(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Keep the text that follows the element: it belongs to the parent.
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _link_text(element: HtmlElement) -> tuple[int, list[str]]:
    texts = [normalise(a.text_content()) for a in element.iter("a")]
    texts = [t for t in texts if t]
    return sum(len(t) for t in texts), texts


def _is_teaser(element: HtmlElement) -> tuple[bool, list[str]]:
    """Whether a leaf block is a label plus a link (or just a link) to another story."""
    text = normalise(element.text_content())
    if not text or len(text) > 400:
        return False, []
    linked, links = _link_text(element)
    if not links:
        return bool(LABEL_LINE.match(text)) and len(text) < 250, []
    rest = text
    for link in links:
        rest = rest.replace(link, " ", 1)
    rest = normalise(rest)
    if LABEL_LINE.match(text) or (rest and LABEL_ONLY.match(rest)):
        return True, links
    # A paragraph that is nothing but a link is another story's headline.
    if not re.sub(r"[\W_]+", "", rest) and element.tag in ("p", "li", "h2", "h3", "h4", "h5", "h6", "strong", "b"):
        return linked >= 15, links
    return False, []


def _is_widget(element: HtmlElement) -> bool:
    """A container named like page furniture that does not hold the article itself."""
    if element.xpath(_HOLDS_ARTICLE):
        return False  # a page wrapper that happens to carry an "ad" or "share" class
    # Paragraphs of prose without links, outnumbering the links: an article's text
    # inside a container named "story-share-area" or the like.
    prose = sum(1 for p in element.iter("p") if p.find(".//a") is None and len(normalise(p.text_content())) >= 100)
    if prose >= 2 and prose > sum(1 for _ in element.iter("a")):
        return False
    text_length = len(normalise(element.text_content()))
    if text_length > 1500:
        linked, _ = _link_text(element)
        if linked / text_length < 0.5:
            return False  # too much prose to be a widget: probably the article itself
    return True


def prune_tree(tree: HtmlElement) -> list[str]:
    """Remove page furniture and teaser paragraphs in place; return the teasers' link texts."""
    for tag in _DROP_TAGS:
        for element in list(tree.iter(tag)):
            _remove(element)
    for element in list(tree.iter("script")):
        _remove(element)

    # Walk top-down and skip what is removed, so a widget's own children are not judged again.
    stack = [tree]
    while stack:
        parent = stack.pop()
        for element in list(parent):  # a copy: removing while iterating would skip the next sibling
            if not isinstance(element.tag, str):
                continue
            hint = element.get("class", "") + " " + element.get("id", "")
            named_like_furniture = len(hint) > 1 and _CONTAINER_HINT.search(hint)
            if named_like_furniture and element.tag not in _NEVER_REMOVED and _is_widget(element):
                _remove(element)
            else:
                stack.append(element)

    return prune_teasers(tree)


def _label_block(element: HtmlElement) -> HtmlElement:
    """The outermost ancestor whose whole text is still just the label."""
    text = normalise(element.text_content())
    parent = element.getparent()
    while parent is not None and parent.tag not in ("body", "html") and normalise(parent.text_content()) == text:
        element, parent = parent, parent.getparent()
    return element


def _nearest_block(element: HtmlElement) -> HtmlElement | None:
    for ancestor in element.iterancestors():
        if ancestor.tag in _TEASER_BLOCKS:
            return ancestor
        if ancestor.tag in ("body", "html", "article", "main", "section"):
            return None
    return None


def prune_teasers(tree: HtmlElement) -> list[str]:
    """Remove "Also Read: <link>" paragraphs and label headings over link lists."""
    teasers: list[str] = []
    # Labels standing alone ("ALSO READ" over a list of links).
    for element in list(tree.iter(*_LABEL_TAGS)):
        own = (element.text or "").strip()
        if not own or len(own) > 40 or not LABEL_ONLY.match(own) or element.getparent() is None:
            continue
        text = normalise(element.text_content())
        if not LABEL_ONLY.match(text):
            continue
        block = _label_block(element)
        following = block.getnext()
        if following is not None:
            linked, links = _link_text(following)
            following_length = len(normalise(following.text_content()))
            if links and following_length and linked / following_length > 0.6:
                teasers.extend(links)
                _remove(following)
        _remove(block)
    # Paragraphs holding a link: a label plus a link, or nothing but a link.
    seen: set[HtmlElement] = set()
    for anchor in list(tree.iter("a")):
        block = _nearest_block(anchor)
        if block is None or block in seen or block.getparent() is None:
            continue
        seen.add(block)
        if any(child.tag in _NESTED_BLOCKS for child in block.iterdescendants()):
            continue
        is_teaser, links = _is_teaser(block)
        if is_teaser:
            teasers.extend(links)
            _remove(block)
    # "Also Read: <title>" written as plain text.
    for element in list(tree.iter("p")):
        own = (element.text or "").lstrip()
        if own[:1].isalpha() or own[:1] in "(":
            if LABEL_LINE.match(own) and element.getparent() is not None:
                text = normalise(element.text_content())
                if len(text) < 250 and LABEL_LINE.match(text):
                    _remove(element)
    return teasers


def paragraphs_from_tree(tree: HtmlElement) -> list[str]:
    """The text of a (pruned) fragment, one entry per block element or <br>-separated line."""
    for element in tree.iter(*_BLOCKS):
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        else:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return [line for line in (normalise(part) for part in tree.text_content().split("\n")) if line]


def paragraphs_from_html(fragment: str) -> tuple[list[str], list[str]]:
    """Paragraphs of an HTML fragment (a body string from JSON), with teasers removed."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return [], []
    teasers = prune_tree(root)
    return paragraphs_from_tree(root), teasers


def paragraphs_from_text(text: str) -> list[str]:
    """Paragraphs of a plain-text body: each non-empty line is one."""
    return [line for line in (normalise(part) for part in text.splitlines()) if line]


def clean_paragraphs(paragraphs: list[str], teasers: list[str]) -> list[str]:
    """Drop teaser and promo lines, and scrub known teaser titles glued into prose.

    A teaser's title is scrubbed from running text when a label precedes it
    ("…said. Also read: <title> The minister…"), or on its own when it is
    headline-long (six words or more); a short link text such as a programme's
    name can be ordinary prose.
    """
    titles = sorted({t for t in teasers if len(t) >= 15}, key=len, reverse=True)
    long_titles = [t for t in titles if len(t.split()) >= 6 or (len(t) >= 20 and not re.search(r"\s", t))]
    patterns = []
    if titles:
        patterns.append(rf"{_LABEL}(?:{_SEP})?(?:{'|'.join(re.escape(t) for t in titles)})")
    if long_titles:
        patterns.append("|".join(re.escape(t) for t in long_titles))
    scrub = re.compile("|".join(patterns), re.I) if patterns else None
    exact = {t.casefold() for t in titles}
    kept: list[str] = []
    for paragraph in paragraphs:
        if LABEL_LINE.match(paragraph) or LABEL_ONLY.match(paragraph) or _CARD_META_LINE.match(paragraph):
            continue
        if len(paragraph) < 300 and _PROMO_LINE.match(paragraph):
            continue
        if paragraph.casefold() in exact:
            continue
        if scrub is not None:
            paragraph = normalise(scrub.sub(" ", paragraph))
            if not paragraph or LABEL_ONLY.match(paragraph):
                continue
        kept.append(paragraph)
    return kept
