"""Finding stored articles a rule matches, for /test, /search, `rules test` and `search`.

The database's full-text index narrows (the rule translated into a superset query by
`rules.prefilter`, in FTS5's or PostgreSQL's syntax as the backend needs), the rule
itself decides. Nothing here touches Telegram; the CLI uses it too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import rules
from rules.prefilter import query_for
from storage import backend
from storage.search import candidate_articles

MAX_CANDIDATES = 20_000


@dataclass
class SearchResult:
    found: list[tuple[dict, rules.Match]] = field(default_factory=list)  # newest first, at most `limit`
    total: int = 0          # how many matched among the candidates checked
    checked: int = 0        # how many candidates the matcher looked at
    truncated: bool = False  # True when the candidate cap was reached


def search_archive(db, rule: rules.Rule, *, days: float | None = None, limit: int = 5,
                   max_candidates: int = MAX_CANDIDATES, now: dt.datetime | None = None) -> SearchResult:
    """The newest stored articles ``rule`` matches, published (or fetched) in the last ``days``."""
    since = None
    if days is not None:
        start = (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=days)
        since = start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = SearchResult()
    for row in candidate_articles(db, fts_query=query_for(rule, backend(db)), since_utc=since, max_rows=max_candidates):
        result.checked += 1
        doc = rules.Document(title=row["title"], body=row["body"], source=row["source"], lang=row["language"])
        match = rule.matches(doc)
        if match is None:
            continue
        result.total += 1
        if len(result.found) < limit:
            result.found.append((row, match))
    result.truncated = result.checked >= max_candidates
    return result


def find_articles(db, rule: rules.Rule, *, limit: int = 5) -> tuple[list[dict], int]:
    """The newest stored articles ``rule`` matches (at most ``limit``), and how many matched in all."""
    result = search_archive(db, rule, limit=limit)
    return [row for row, _ in result.found], result.total
