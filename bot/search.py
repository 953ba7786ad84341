"""Finding stored articles for /test and /search: FTS5 narrows, the rule itself decides.

FTS5 is only a prefilter (its syntax is not the rule language): every term of the rule
becomes a quoted FTS phrase OR-ed together, which finds a superset of the articles the
rule can match. CJK terms are not split into tokens by FTS5's unicode61 tokenizer, so
the most recent articles are always checked as well.
"""
from __future__ import annotations

import regex

import rules

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
FTS_CANDIDATES = 300
RECENT_CANDIDATES = 500


def fts_query(rule: rules.Rule) -> str | None:
    """An FTS5 query matching every article that contains any term of ``rule``."""
    parts = []
    for term in rule.terms:
        if any(_CJK.search(w) for w in term.words):
            continue
        phrase = " ".join(w.replace('"', '""') for w in term.words)
        parts.append(f'"{phrase}"' + ("*" if term.prefix else ""))
    return " OR ".join(sorted(set(parts))) or None


def find_articles(db, rule: rules.Rule, *, limit: int = 5) -> tuple[list[dict], int]:
    """The newest stored articles ``rule`` matches (at most ``limit``), and how many matched in all."""
    ids: set[int] = set()
    query = fts_query(rule)
    if query:
        ids.update(r[0] for r in db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            [query, FTS_CANDIDATES]).fetchall())
    ids.update(r[0] for r in db.execute(
        "SELECT id FROM articles ORDER BY id DESC LIMIT ?", [RECENT_CANDIDATES]).fetchall())
    if not ids:
        return [], 0
    rows = db.query(
        f"SELECT id, url, source, title, body, published, published_utc, language FROM articles "
        f"WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY coalesce(published_utc, fetched_at) DESC, id DESC",
        sorted(ids),
    )
    found = []
    for row in rows:
        doc = rules.Document(title=row["title"], body=row["body"], source=row["source"], lang=row["language"])
        if rule.matches(doc):
            found.append(row)
    return found[:limit], len(found)
