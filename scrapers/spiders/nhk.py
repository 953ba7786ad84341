"""NHK World-Japan: its English news list is a JSON API, not a feed or a sitemap."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urljoin

from scrapy.http import Response

from ..feeds import Entry, FeedError, Listing
from .news import NewsSpider


class NhkWorldSpider(NewsSpider):
    name = "nhk-world"

    def read_listing(self, response: Response, html: bool) -> Listing:
        if html:
            return super().read_listing(response, html)
        return parse_nhk_news_json(response.body, response.url)


def parse_nhk_news_json(body: bytes, base_url: str) -> Listing:
    """Entries of NHK World's news list: ``{"data": [{"title", "page_url", "updated_at"}]}``.

    ``updated_at`` is epoch milliseconds (a string or a number); ``page_url`` is a
    path on www3.nhk.or.jp.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"the news API answered with something that is not JSON ({exc})") from None
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FeedError("the news API's answer has no 'data' list")
    entries = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("page_url"), str):
            continue
        entries.append(Entry(
            url=urljoin(base_url, item["page_url"]),
            title=item.get("title") if isinstance(item.get("title"), str) else None,
            published=_epoch_ms(item.get("updated_at")),
            modified=_epoch_ms(item.get("updated_at")),
        ))
    return Listing("json", entries)


def _epoch_ms(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
