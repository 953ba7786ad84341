"""Page builders: a `Story` rendered the way each publisher's site serves it.

The shapes follow what the real sites send (checked against saved pages and feeds):

* Business Standard: a Next.js page. The article is server-rendered in the DOM and
  repeated in `<script id="__NEXT_DATA__">` under `props.pageProps.data` (`pageTitle`,
  `heading`, `publishDate`/`updatedDate` as epoch seconds, `htmlContent`, authors,
  category, canonical URL, image), next to `props.pageProps.trendingNews`, the same
  list of other stories the sidebar shows. NewsArticle JSON-LD sits in the head. An
  AMP copy of an article points back with `rel=canonical`.
* The Hindu: NewsArticle JSON-LD without `articleBody`, the body in
  `div.articlebodycontent`, optionally an inline "Also Read" link paragraph, and a
  related-stories sidebar.
* The Japan Times: a WordPress page with `article:published_time` meta, NewsArticle
  JSON-LD and the body in `div.article-body`.
* RSS 2.0 feeds, Google News sitemaps (The Hindu's uses the non-standard
  `https://www.sitemaps.org/...` namespace, as the real one does) and robots.txt.

Every builder returns text (`str`); the web encodes it as UTF-8, which each page also
declares. Text is escaped with `html.escape` for markup and `json.dumps` for JSON, and
`</` is escaped inside `<script>` blocks so no story can close them early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from newsradar.demo.stories import IST, JST, DemoError, Story

#: Namespace of a standard sitemap `urlset`.
STANDARD = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: The https variant The Hindu's Google News sitemap declares (not the standard one).
HINDU = "https://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"

BS_HOST = "www.business-standard.com"
HINDU_HOST = "www.thehindu.com"
JT_HOST = "www.japantimes.co.jp"

Link = tuple[str, str]  # (title, url)


# --- shared helpers ---------------------------------------------------------------


def _text(value: str) -> str:
    """Escape text for an HTML element or attribute."""
    return escape(value, quote=True)


def script_json(data: object) -> str:
    """JSON for inside a `<script>` element: `</` and `<!--` cannot end or confuse it."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return encoded.replace("</", "<\\/").replace("<!--", "<\\!--")


def _iso(moment: datetime) -> str:
    """ISO 8601 with the story's own UTC offset, seconds precision (as sites print it)."""
    return moment.isoformat(timespec="seconds")


def _paragraphs_html(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{_text(p)}</p>" for p in paragraphs)


def _authors_ld(story: Story) -> list[dict[str, str]]:
    return [{"@type": "Person", "name": name} for name in story.authors]


def _news_article_ld(
    story: Story, url: str, publisher: str, logo: str, *, body: bool
) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": story.title,
        "description": story.summary,
        "datePublished": _iso(story.published),
        "dateModified": _iso(story.last_modified),
        "author": _authors_ld(story),
        "articleSection": story.section,
        "inLanguage": story.lang,
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": publisher,
            "logo": {"@type": "ImageObject", "url": logo},
        },
    }
    if story.image:
        data["image"] = {"@type": "ImageObject", "url": story.image}
    if body:
        data["articleBody"] = "\n".join(story.paragraphs)
    return data


def _ld_script(data: object) -> str:
    return f'<script type="application/ld+json">{script_json(data)}</script>'


def _links_list(links: Sequence[Link], css: str) -> str:
    items = "".join(
        f'<li class="{css}"><a href="{_text(url)}">{_text(title)}</a></li>' for title, url in links
    )
    return f"<ul>{items}</ul>"


def _display_time(moment: datetime, zone_name: str) -> str:
    # "Nov 24 2025 | 6:48 AM IST", the form Business Standard prints under a headline.
    hour = moment.strftime("%I").lstrip("0")
    return f"{moment.strftime('%b %d %Y')} | {hour}:{moment.strftime('%M %p')} {zone_name}"


# --- Business Standard ------------------------------------------------------------

_BS_NAV = [
    ("Home", "/"),
    ("Markets", "/markets"),
    ("Economy", "/economy"),
    ("Companies", "/companies"),
    ("India News", "/india-news"),
    ("World News", "/world-news"),
    ("Opinion", "/opinion"),
    ("हिंदी में पढें", "https://hindi.business-standard.com/"),
]
_BS_LOGO = "https://bsmedia.business-standard.com/include/_mod/site/html5/images/business-standard-logo.png"


def _bs_article_id(url: str) -> str:
    match = re.search(r"-(\d{12})_1\.html$", urlsplit(url).path)
    return match.group(1) if match else ""


def _bs_category_path(url: str) -> str:
    path = urlsplit(url).path.strip("/").split("/")
    if path and path[0] == "amp":
        path = path[1:]
    return "/" + path[0] if len(path) > 1 else "/"


def _bs_head(story: Story, url: str, canonical: str, *, amp_url: str | None) -> str:
    amp_link = f'<link rel="amphtml" href="{_text(amp_url)}"/>' if amp_url else ""
    image_meta = f'<meta property="og:image" content="{_text(story.image)}"/>' if story.image else ""
    ld = _news_article_ld(story, canonical, "Business Standard", _BS_LOGO, body=True)
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": {"@id": f"https://{BS_HOST}/", "name": "Home"}},
            {
                "@type": "ListItem",
                "position": 2,
                "item": {"@id": f"https://{BS_HOST}{_bs_category_path(url)}", "name": story.section},
            },
        ],
    }
    return (
        '<meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{_text(story.title)} | Business Standard</title>"
        f'<meta name="description" content="{_text(story.summary)}"/>'
        f'<link rel="canonical" href="{_text(canonical)}"/>'
        f"{amp_link}"
        '<meta property="og:type" content="article"/>'
        '<meta property="og:site_name" content="Business Standard"/>'
        f'<meta property="og:title" content="{_text(story.title)}"/>'
        f'<meta property="og:description" content="{_text(story.summary)}"/>'
        f'<meta property="og:url" content="{_text(canonical)}"/>'
        f"{image_meta}"
        f'<meta property="article:published_time" content="{_iso(story.published)}"/>'
        f'<meta property="article:modified_time" content="{_iso(story.last_modified)}"/>'
        f"{_ld_script(ld)}{_ld_script(breadcrumbs)}"
    )


def _bs_byline(story: Story) -> str:
    names = ", ".join(
        f'<a href="/author/search/keyword/{_text(_slugify(name))}">{_text(name)}</a>'
        for name in story.authors
    )
    published = story.published.astimezone(IST)
    updated = story.last_modified.astimezone(IST)
    return (
        f'<div class="author-sec"><span class="auth-name">{names}</span>'
        '<span class="meta-place">New Delhi</span>'
        f'<span class="meta-info">Last Updated : {_text(_display_time(updated, "IST"))}</span>'
        "</div>"
        f'<div class="first-published">First Published: {_text(_display_time(published, "IST"))}</div>'
    )


def _slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _figure(story: Story) -> str:
    if not story.image:
        return ""
    return (
        f'<figure class="article-image"><img src="{_text(story.image)}" alt="{_text(story.title)}"/>'
        f"<figcaption>{_text(story.summary)}</figcaption></figure>"
    )


def business_standard_article(
    story: Story,
    url: str,
    *,
    trending: Sequence[Link] = (),
    amp_url: str | None = None,
) -> str:
    """The Next.js article page Business Standard serves at `url`.

    `trending` lists other stories as (title, url); they appear in the sidebar and in
    `__NEXT_DATA__` (`props.pageProps.trendingNews`), never in the article itself.
    `amp_url`, when given, is announced with `<link rel="amphtml">`.
    """
    body_html = _paragraphs_html(story.paragraphs)
    nav = "".join(f'<a href="{href}">{_text(label)}</a>' for label, href in _BS_NAV)
    share = (
        '<div class="share-bar" aria-label="Share">'
        f'<a class="share-x" href="https://x.com/intent/post?url={_text(url)}">X</a>'
        f'<a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={_text(url)}">Facebook</a>'
        f'<a class="share-wa" href="https://api.whatsapp.com/send?text={_text(url)}">WhatsApp</a>'
        "</div>"
    )
    sidebar = (
        '<aside class="trending-sidebar"><h3 class="side-title">Trending</h3>'
        f"{_links_list(trending[:3], 'trending-item')}"
        '<h3 class="side-title">Read More</h3>'
        f"{_links_list(trending[3:], 'readmore-item')}</aside>"
        if trending
        else ""
    )
    next_data = {
        "props": {
            "pageProps": {
                "data": _bs_article_data(story, url, body_html),
                "articleSchema": {"articleImageUrl": story.image or ""},
                "trendingNews": [
                    {"heading": title, "articleUrl": link, "sectionName": "Trending"}
                    for title, link in trending
                ],
            },
            "__N_SSP": True,
        },
        "page": "/[...slug]",
        "query": {"slug": urlsplit(url).path.strip("/").split("/")},
        "buildId": "newsradar-demo",
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }
    return (
        '<!DOCTYPE html><html lang="en"><head>'
        f"{_bs_head(story, url, url, amp_url=amp_url)}"
        "</head><body>"
        f'<div id="__next"><header class="header"><a class="logo" href="/">Business Standard</a><nav>{nav}</nav></header>'
        '<main class="main-container"><div class="article-layout">'
        '<article class="article-content">'
        f'<div class="breadcrumb"><a href="/">Home</a> / <a href="{_bs_category_path(url)}">{_text(story.section)}</a></div>'
        f'<h1 class="stryhdtp">{_text(story.title)}</h1>'
        f'<h2 class="strydsc">{_text(story.summary)}</h2>'
        f"{_bs_byline(story)}{_figure(story)}"
        f'<div class="storycontent" id="parent_top_div">{body_html}</div>'
        "</article>"
        f"{share}{sidebar}"
        "</div></main>"
        '<footer class="footer"><p>Copyright &copy; 2025 Business Standard Private Ltd. All rights reserved.</p>'
        '<a href="/about-us">About us</a> <a href="/contact-us">Contact us</a></footer></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{script_json(next_data)}</script>'
        "</body></html>"
    )


def _bs_article_data(story: Story, url: str, body_html: str) -> dict[str, object]:
    author_ids = {str(1000 + i): name for i, name in enumerate(story.authors)}
    return {
        "article_id": _bs_article_id(url),
        "pageTitle": story.title,
        "heading": story.title,
        "subHeading": story.summary,
        "metaDescription": story.summary,
        "publishDate": int(story.published.timestamp()),
        "updatedDate": int(story.last_modified.timestamp()),
        "htmlContent": body_html,
        "authorName": ", ".join(story.authors),
        "articleMappedMultipleAuthors": author_ids,
        "placeName": "New Delhi",
        "sectionName": story.section,
        "defaultArticleCat": {
            "category_name": story.section,
            "h1_tag": story.section,
            "url": _bs_category_path(url),
        },
        "articleUrl": urlsplit(url).path,
        "canonicalUrl": url,
        "featuredImageObj": {"url": story.image or "", "alt_text": story.summary},
    }


def business_standard_amp_article(story: Story, url: str, *, canonical: str) -> str:
    """Business Standard's AMP copy of a story, served at `url`, pointing to `canonical`."""
    return (
        '<!DOCTYPE html><html amp lang="en"><head>'
        f"{_bs_head(story, url, canonical, amp_url=None)}"
        '<script async src="https://cdn.ampproject.org/v0.js"></script>'
        "<style amp-boilerplate>body{visibility:hidden}</style>"
        "</head><body>"
        '<header class="amp-header"><a href="/">Business Standard</a></header>'
        '<article class="amp-article">'
        f"<h1>{_text(story.title)}</h1><h2>{_text(story.summary)}</h2>"
        f"{_bs_byline(story)}"
        f'<div class="amp-story-content">{_paragraphs_html(story.paragraphs)}</div>'
        "</article>"
        f'<footer><a href="{_text(canonical)}">View full site</a></footer>'
        "</body></html>"
    )


# --- The Hindu --------------------------------------------------------------------

_HINDU_LOGO = "https://www.thehindu.com/theme/images/th-online/thehindu-logo.svg"


def _hindu_article_number(url: str) -> str:
    match = re.search(r"/article(\d+)\.ece$", urlsplit(url).path)
    return match.group(1) if match else "0"


def hindu_article(
    story: Story,
    url: str,
    *,
    also_read: Link | None = None,
    related: Sequence[Link] = (),
) -> str:
    """The article page The Hindu serves at `url`.

    `also_read` (title, url) becomes an inline "Also Read:" link paragraph after the
    second paragraph of the body, as The Hindu places them; `related` fills the sidebar.
    """
    paragraphs = [f"<p>{_text(p)}</p>" for p in story.paragraphs]
    if also_read is not None:
        title, link = also_read
        inline = f'<p>Also Read: <a href="{_text(link)}">{_text(title)}</a></p>'
        paragraphs.insert(min(2, len(paragraphs)), inline)
    number = _hindu_article_number(url)
    ld = _news_article_ld(story, url, "The Hindu", _HINDU_LOGO, body=False)
    ld["keywords"] = story.section
    image_meta = f'<meta property="og:image" content="{_text(story.image)}"/>' if story.image else ""
    authors = ", ".join(
        f'<a class="person-name" href="https://www.thehindu.com/profile/author/{_text(_slugify(n))}/">{_text(n)}</a>'
        for n in story.authors
    )
    published = story.published.astimezone(IST)
    related_html = (
        '<div class="related-stories"><h3 class="title">Related Stories</h3>'
        f"{_links_list(related, 'related-item')}</div>"
        if related
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
        f"<title>{_text(story.title)} - The Hindu</title>"
        f'<meta name="description" content="{_text(story.summary)}"/>'
        f'<link rel="canonical" href="{_text(url)}"/>'
        f'<link rel="amphtml" href="{_text(url)}/amp/"/>'
        '<meta property="og:site_name" content="The Hindu"/>'
        '<meta property="og:type" content="article"/>'
        f'<meta property="og:url" content="{_text(url)}"/>'
        f'<meta property="og:title" content="{_text(story.title)}"/>'
        f'<meta property="og:description" content="{_text(story.summary)}"/>'
        f"{image_meta}"
        f'<meta name="publish-date" content="{_iso(story.published)}"/>'
        f"{_ld_script(ld)}"
        "</head><body>"
        '<header class="site-header"><a class="logo" href="https://www.thehindu.com/">The Hindu</a>'
        '<nav><a href="/news/national/">India</a><a href="/news/international/">World</a>'
        '<a href="/business/">Business</a><a href="/opinion/">Opinion</a></nav></header>'
        '<div class="container"><div class="row"><div class="col-xl-9 storyline">'
        '<div class="article-section">'
        f'<div class="breadcrumb"><a href="/news/">News</a> <a href="/news/national/">{_text(story.section)}</a></div>'
        f'<h1 class="title">{_text(story.title)}</h1>'
        f'<h2 class="sub-title">{_text(story.summary)}</h2>'
        f'<div class="author-name">{authors}</div>'
        f'<div class="update-publish-time"><p class="publish-time">Published - '
        f"{_text(published.strftime('%B %d, %Y %I:%M %p'))} IST</p></div>"
        f'<div class="articlebodycontent col-xl-9 col-lg-12 col-md-12 col-sm-12 col-12" id="content-body-{number}">'
        f"{''.join(paragraphs)}</div>"
        '<div class="comments-shares"><a href="#comments">Comments</a></div>'
        "</div></div>"
        f'<div class="col-xl-3 sidebar">{related_html}</div>'
        "</div></div>"
        '<footer class="footer"><p>&copy; THG PUBLISHING PVT LTD.</p></footer>'
        "</body></html>"
    )


# --- The Japan Times --------------------------------------------------------------

_JT_LOGO = "https://www.japantimes.co.jp/theme_japantimes/img/logo.svg"


def japantimes_article(story: Story, url: str, *, related: Sequence[Link] = ()) -> str:
    """The WordPress article page The Japan Times serves at `url`."""
    ld = _news_article_ld(story, url, "The Japan Times", _JT_LOGO, body=True)
    image_meta = f'<meta property="og:image" content="{_text(story.image)}"/>' if story.image else ""
    published = story.published.astimezone(JST)
    authors = ", ".join(_text(n) for n in story.authors)
    related_html = (
        '<div class="jt-related-stories"><h3>Related stories</h3>'
        f"{_links_list(related, 'related-story')}</div>"
        if related
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"/>'
        f"<title>{_text(story.title)} - The Japan Times</title>"
        f'<meta name="description" content="{_text(story.summary)}"/>'
        f'<link rel="canonical" href="{_text(url)}"/>'
        '<meta property="og:locale" content="en_US"/>'
        '<meta property="og:type" content="article"/>'
        f'<meta property="og:title" content="{_text(story.title)}"/>'
        f'<meta property="og:description" content="{_text(story.summary)}"/>'
        f'<meta property="og:url" content="{_text(url)}"/>'
        '<meta property="og:site_name" content="The Japan Times"/>'
        f"{image_meta}"
        f'<meta property="article:section" content="{_text(story.section)}"/>'
        f'<meta property="article:published_time" content="{_iso(story.published)}"/>'
        f'<meta property="article:modified_time" content="{_iso(story.last_modified)}"/>'
        '<meta name="generator" content="WordPress 6.8"/>'
        f"{_ld_script(ld)}"
        '<link rel="stylesheet" id="jt-style-css" type="text/css" media="all" '
        'href="https://www.japantimes.co.jp/wp-content/themes/jt/style.css"/>'
        "</head>"
        '<body class="post-template-default single single-post">'
        '<header id="masthead" class="site-header"><a href="https://www.japantimes.co.jp/">The Japan Times</a>'
        '<nav class="main-navigation"><a href="/news/">News</a><a href="/business/">Business</a>'
        '<a href="/opinion/">Opinion</a><a href="/life/">Life</a></nav></header>'
        '<main id="main" class="site-main"><article class="post type-post status-publish">'
        f'<div class="article-category"><a href="/news/">{_text(story.section)}</a></div>'
        f'<h1 class="entry-title">{_text(story.title)}</h1>'
        f'<p class="article-subhead">{_text(story.summary)}</p>'
        f'<div class="author-and-date"><span class="byline">{authors}</span>'
        f'<time class="publish-date" datetime="{_iso(story.published)}">'
        f"{_text(published.strftime('%b %d, %Y'))}</time></div>"
        f"{_figure(story)}"
        f'<div class="article-body">{_paragraphs_html(story.paragraphs)}</div>'
        "</article>"
        f'<aside class="widget-area">{related_html}</aside>'
        "</main>"
        '<footer id="colophon" class="site-footer"><p>&copy; The Japan Times, Ltd. All rights reserved.</p></footer>'
        "</body></html>"
    )


# --- feeds, sitemaps, robots.txt --------------------------------------------------


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def rss_feed(
    title: str,
    link: str,
    items: Sequence[tuple[Story, str]] = (),
    *,
    description: str = "",
    self_url: str | None = None,
) -> str:
    """An RSS 2.0 channel listing each (story, url) as an item, newest first as given."""
    newest = max((story.last_modified for story, _ in items), default=None)
    build_date = f"<lastBuildDate>{_rfc822(newest)}</lastBuildDate>" if newest else ""
    atom_self = (
        f'<atom:link href="{xml_escape(self_url, {chr(34): "&quot;"})}" rel="self" type="application/rss+xml"/>'
        if self_url
        else ""
    )
    entries = []
    for story, url in items:
        creators = "".join(f"<dc:creator>{xml_escape(name)}</dc:creator>" for name in story.authors)
        entries.append(
            "<item>"
            f"<title>{xml_escape(story.title)}</title>"
            f"<link>{xml_escape(url)}</link>"
            f'<guid isPermaLink="true">{xml_escape(url)}</guid>'
            f"<pubDate>{_rfc822(story.published)}</pubDate>"
            f"<description>{xml_escape(story.summary)}</description>"
            f"<category>{xml_escape(story.section)}</category>"
            f"{creators}"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel>"
        f"<title>{xml_escape(title)}</title>"
        f"<link>{xml_escape(link)}</link>"
        f"<description>{xml_escape(description or title)}</description>"
        "<language>en</language>"
        f"{build_date}{atom_self}"
        f"{''.join(entries)}"
        "</channel></rss>\n"
    )


def news_sitemap(
    entries: Sequence[tuple[Story, str]] = (),
    publication: str = "Business Standard",
    lang: str = "en",
    namespace: str = STANDARD,
) -> str:
    """A Google News sitemap `urlset` listing each (story, url).

    `namespace` is the `urlset` namespace: `STANDARD`, or `HINDU` for the
    `https://www.sitemaps.org/...` variant The Hindu actually serves.
    """
    urls = []
    for story, url in entries:
        image = (
            f"<image:image><image:loc>{xml_escape(story.image)}</image:loc></image:image>"
            if story.image
            else ""
        )
        urls.append(
            "<url>"
            f"<loc>{xml_escape(url)}</loc>"
            f"<lastmod>{_iso(story.last_modified)}</lastmod>"
            "<news:news><news:publication>"
            f"<news:name>{xml_escape(publication)}</news:name>"
            f"<news:language>{xml_escape(lang)}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{_iso(story.published)}</news:publication_date>"
            f"<news:title>{xml_escape(story.title)}</news:title>"
            "</news:news>"
            f"{image}"
            "</url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{namespace}" xmlns:news="{NEWS_NS}" xmlns:image="{IMAGE_NS}">'
        f"{''.join(urls)}"
        "</urlset>\n"
    )


_SITEMAPS = {
    BS_HOST: ["/sitemap/google-news-sitemap.xml", "/sitemap/latest-news-sitemap.xml"],
    HINDU_HOST: ["/sitemap/googlenews/all/all.xml"],
    JT_HOST: ["/sitemap_news.xml"],
}


def robots_txt(host: str) -> str:
    """robots.txt for one of the demo hosts: articles, feeds and sitemaps allowed."""
    if host not in _SITEMAPS:
        known = ", ".join(sorted(_SITEMAPS))
        raise DemoError(f"No demo robots.txt for host {host!r}; known hosts are {known}.")
    sitemaps = "".join(f"Sitemap: https://{host}{path}\n" for path in _SITEMAPS[host])
    return (
        f"# robots.txt for {host} (newsradar demo copy)\n"
        "# Crawlers may read articles, feeds and sitemaps; search results and\n"
        "# account pages are not worth indexing.\n"
        "User-agent: *\n"
        "Disallow: /search\n"
        "Disallow: /account/\n"
        "Allow: /\n"
        "\n"
        f"{sitemaps}"
    )


__all__ = [
    "HINDU",
    "STANDARD",
    "Link",
    "business_standard_amp_article",
    "business_standard_article",
    "hindu_article",
    "japantimes_article",
    "news_sitemap",
    "robots_txt",
    "rss_feed",
    "script_json",
]
