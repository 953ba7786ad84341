"""`newsradar extract URL`: what the extractor makes of one page, and why it is or is not an article.

The first thing to run when a source misbehaves. The page is fetched live as the
crawler would fetch it (newsradar's User-Agent, robots.txt obeyed, size cap, timeout)
or read from a saved file (``--html FILE``; URL then says where it came from).
"""
from __future__ import annotations

from pathlib import Path

import click

from .cli import State, _emit_json, _friendly, cli

# The order fields are printed in; the body comes last, in full.
_FIELDS = ("url", "canonical_url", "amp_url", "title", "published", "modified", "authors", "section",
           "language", "image", "method")


@cli.command("extract")
@click.argument("url")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the page from this saved file instead of fetching URL.")
@click.option("--timezone", "zone", default=None, metavar="TZ",
              help="Zone for times the page gives without one (default: the matching source's, else UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print every field as one JSON object.")
@click.pass_obj
@_friendly
def extract(state: State, url: str, html_file: Path | None, zone: str | None, as_json: bool) -> None:
    """Show every field extracted from the page at URL, and why it is or is not an article."""
    from scrapers import settings as crawl_settings
    from scrapers.crawl import CrawlError, fetch_page
    from scrapers.extract import decode_html, extract_article
    from scrapers.urls import canonicalize_url, is_followable

    if not url.startswith(("http://", "https://")):
        raise click.UsageError(f"URL must be an http(s) address, not {url!r} (with --html, the page's original URL).")
    source = next((s for s in state.sources().values()
                   if is_followable(url, frozenset(d.lower() for d in s.allowed_domains))), None)
    if html_file is not None:
        try:
            body, content_type, fetched_from = html_file.read_bytes(), None, str(html_file)
        except OSError as exc:
            raise click.ClickException(f"Cannot read {html_file}: {exc.strerror or exc}.") from None
    else:
        contact = state.config.contact_url or crawl_settings.NEWSRADAR_CONTACT_URL
        try:
            page = fetch_page(url, user_agent=f"newsradar/0.1 (+{contact})",
                              timeout=crawl_settings.DOWNLOAD_TIMEOUT, maxsize=crawl_settings.DOWNLOAD_MAXSIZE)
        except CrawlError as exc:
            raise click.ClickException(str(exc)) from None
        body, content_type, fetched_from = page.body, page.content_type, page.url
        url = page.url
    ex = extract_article(decode_html(body, content_type), url,
                         default_tz=zone or (source.timezone if source else None))
    data = ex.to_dict()
    data["source"] = source.name if source else None
    data["url_looks_like_article"] = source.is_article_url(canonicalize_url(url)) if source else None
    data["read_from"] = fetched_from
    if as_json:
        _emit_json(data)
        return
    verdict = "an article" if ex.is_article else "NOT an article"
    click.echo(f"{verdict}: {ex.reason}")
    if source is None:
        click.echo("source: none of the known sources covers this host")
    else:
        pattern = "matches" if data["url_looks_like_article"] else "does NOT match"
        click.echo(f"source: {source.name} (the URL {pattern} its article pattern {source.article_pattern!r})")
    click.echo(f"read from: {fetched_from}")
    for key in _FIELDS:
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(value) if value else None
        click.echo(f"{key}: {value if value not in (None, '') else '-'}")
    words = len(ex.body.split())
    click.echo(f"body ({len(ex.body)} characters, {words} words):")
    click.echo(ex.body or "-")
