"""Acquiring articles: source registry, Scrapy spiders, extraction, WARC record/replay, storing."""
