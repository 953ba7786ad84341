"""The watchlist language: parse rules, match articles against many rules, explain why.

    from rules import parse, Matcher, Document
    rule = parse("Modi + Takaichi", aliases={"takaichi": 'Takaichi OR "Sanae Takaichi" OR 高市'})
    matcher = Matcher()
    matcher.add(1, rule)
    for match in matcher.match(Document(title="...", body="...", source="nikkei", lang="ja")):
        match.rule_id, match.hits          # Hit(term, field, start, end)

Errors: every mistake in a rule raises `RuleError` (a ValueError) whose message is one
sentence with the column and a fix. Nothing here depends on the rest of newsradar.
"""

from .document import AnalyzedDocument, Document, analyze
from .errors import RuleError
from .explain import Hit, Match, describe_match
from .matcher import Matcher
from .operators import (
    MAX_DEPTH, MAX_NEAR, MAX_RULE_CHARS, MAX_TERMS, MIN_PREFIX, OPERATORS, Operator, help_text,
)
from .parser import parse_alias
from .rule import Rule, parse
from .text import fold, tokenize, words

__all__ = [
    "AnalyzedDocument", "Document", "Hit", "MAX_DEPTH", "MAX_NEAR", "MAX_RULE_CHARS",
    "MAX_TERMS", "MIN_PREFIX", "Match", "Matcher", "OPERATORS", "Operator", "Rule",
    "RuleError", "analyze", "describe_match", "fold", "help_text", "parse", "parse_alias",
    "tokenize", "words",
]
