"""The spiders: the generic news spider and the per-site ones that need their own reading.

A source picks its spider with ``spider:`` in sources.yaml (default ``news``).
"""
from __future__ import annotations

from .news import NewsSpider
from .nhk import NhkWorldSpider

SPIDERS: dict[str, type[NewsSpider]] = {
    NewsSpider.name: NewsSpider,
    NhkWorldSpider.name: NhkWorldSpider,
}


def spider_for(spider_name: str) -> type[NewsSpider]:
    """The spider class a source names; the generic one for a name we do not know."""
    return SPIDERS.get(spider_name, NewsSpider)
