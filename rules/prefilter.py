"""A rule as an SQLite FTS5 query that finds a superset of the articles it can match.

FTS5's syntax is a poor language for users (`Modi + Takaichi` is an adjacent phrase
there), but it is a fast prefilter: translate the rule so that every article the rule
matches also matches the query, then let the real matcher decide. What FTS5 cannot
express is widened, never narrowed: NOT, source:/lang: filters and NEAR's distance
drop out, and a Japanese or Chinese term (which FTS5's unicode61 tokenizer does not
split into words) makes its branch match everything.
"""
from __future__ import annotations

import regex

from .rule import Rule
from .tree import And, Filter, Near, Node, Not, Or, Words

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def fts5_query(rule: Rule) -> str | None:
    """The FTS5 MATCH expression for ``rule``; None when nothing can be narrowed (scan all)."""
    return _translate(rule.tree)


def _translate(node: Node) -> str | None:
    """None stands for 'matches anything'."""
    if isinstance(node, Words):
        if any(_CJK.search(w) for w in node.words):
            return None
        phrase = '"' + " ".join(w.replace('"', '""') for w in node.words) + '"'
        if node.prefix:
            phrase += " *"
        return f"{node.field} : {phrase}" if node.field else phrase
    if isinstance(node, (Not, Filter)):
        return None
    if isinstance(node, Near):
        return _translate(And((node.left, node.right)))
    if isinstance(node, And):
        parts = [p for p in map(_translate, node.children) if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    if isinstance(node, Or):
        parts = list(map(_translate, node.children))
        if any(p is None for p in parts):
            return None
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    raise TypeError(f"unknown rule node {node!r}")


# -- PostgreSQL --------------------------------------------------------------------
# storage indexes each article for PostgreSQL as the lower-case ASCII letter-and-digit
# runs of its NFKC, accent-stripped text (see storage.schema_pg). A word of the rule that
# is such a run can be asked for; any other word (Hindi, Japanese, a symbol) widens its
# branch to "anything", like CJK does for FTS5. Phrases become AND of their words (the
# index's positions are not the rule's), prefixes `word:*`.
_TS_WORD = regex.compile(r"[a-z0-9]+")


def tsquery(rule: Rule) -> str | None:
    """The ``to_tsquery('simple', ...)`` text for ``rule``; None when nothing can be narrowed."""
    return _ts(rule.tree)


def query_for(rule: Rule, backend: str) -> str | None:
    """The prefilter query in the syntax of ``backend`` ("sqlite" or "postgresql")."""
    return tsquery(rule) if backend == "postgresql" else fts5_query(rule)


def _ts(node: Node) -> str | None:
    if isinstance(node, Words):
        if not all(_TS_WORD.fullmatch(w) for w in node.words):
            return None
        terms = [f"'{w}'" for w in node.words]
        if node.prefix:
            terms[-1] += ":*"
        return terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")"
    if isinstance(node, (Not, Filter)):
        return None
    if isinstance(node, Near):
        return _ts(And((node.left, node.right)))
    if isinstance(node, And):
        parts = [p for p in map(_ts, node.children) if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"
    if isinstance(node, Or):
        parts = list(map(_ts, node.children))
        if any(p is None for p in parts):
            return None
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"
    raise TypeError(f"unknown rule node {node!r}")
