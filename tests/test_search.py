"""Searching the archive with the rule language: FTS5 narrows, the matcher decides."""
from __future__ import annotations

import datetime as dt

import pytest

import rules
from bot.search import search_archive
from rules.prefilter import fts5_query
from storage.articles import upsert_article

NOW = dt.datetime(2025, 11, 24, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("rule, query", [
    ("Modi + Takaichi", '("modi" AND "takaichi")'),
    ('"Sanae Takaichi" OR 高市', None),
    ("Modi -Trump", '"modi"'),
    ("title:Modi semicon*", '(title : "modi" AND "semicon" *)'),
    ("Modi NEAR/5 Takaichi source:business-standard", '("modi" AND "takaichi")'),
    ("(Modi OR Shah) AND Japan", '(("modi" OR "shah") AND "japan")'),
])
def test_fts5_prefilter(rule, query):
    assert fts5_query(rules.parse(rule)) == query


ARTICLES = [
    ("Modi meets Takaichi at G20", "Prime Minister Narendra Modi and Sanae Takaichi met in Johannesburg.", 1),
    ("Modi holds talks with Albanese", "Narendra Modi spoke about trade and critical minerals.", 2),
    ("Takaichi unveils budget", "The Takaichi cabinet approved an extra budget.", 3),
    ("高市首相、モディ首相と会談", "高市首相はヨハネスブルクでモディ首相と会談した。", 4),
    ("Modine radiator maker expands", "Modine opened a plant in Chennai, modified for exports.", 5),
    ("Old: Modi congratulates Takaichi", "Modi congratulated Takaichi on her election.", 40),
]


@pytest.fixture
def archive(db):
    for i, (title, body, days_ago) in enumerate(ARTICLES):
        upsert_article(db, {"url": f"https://www.example.com/{i}", "source": "business-standard", "title": title,
                            "body": body, "published": NOW - dt.timedelta(days=days_ago)})
    return db


@pytest.mark.parametrize("rule, days, titles", [
    ("Modi + Takaichi", None, ["Modi meets Takaichi at G20", "Old: Modi congratulates Takaichi"]),
    ("Modi + Takaichi", 7, ["Modi meets Takaichi at G20"]),
    ("Modi -Takaichi", None, ["Modi holds talks with Albanese"]),
    ("高市 + モディ", None, ["高市首相、モディ首相と会談"]),
    ("Modi", 10, ["Modi meets Takaichi at G20", "Modi holds talks with Albanese"]),
])
def test_search_archive_returns_what_the_rule_matches(archive, rule, days, titles):
    result = search_archive(archive, rules.parse(rule), days=days, limit=10, now=NOW)
    assert [row["title"] for row, _ in result.found] == titles
    assert result.total == len(titles)


def test_hits_point_into_the_stored_text(archive):
    result = search_archive(archive, rules.parse("Takaichi"), limit=1, now=NOW)
    row, match = result.found[0]
    hit = match.hits[0]
    text = row[hit.field]
    assert text[hit.start:hit.end].lower() == "takaichi"
