"""A parsed rule, and `parse`, the entry point from text to rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .document import AnalyzedDocument, Document, analyze
from .evaluate import evaluate
from .explain import Match, collect_hits
from .parser import parse_tree
from .tree import And, Near, Node, Not, Or, Words

__all__ = ["Rule", "parse"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A watchlist rule: the text as given, and the tree it parsed to (aliases expanded)."""

    text: str
    tree: Node

    def matches(self, doc: Document | AnalyzedDocument) -> Match | None:
        """Check one article with the reference evaluator; a Match explains a hit."""
        adoc = doc if isinstance(doc, AnalyzedDocument) else analyze(doc)
        if not evaluate(self.tree, adoc):
            return None
        return Match(None, collect_hits(self.tree, adoc))

    @property
    def terms(self) -> tuple[Words, ...]:
        """Every word, phrase and prefix of the rule, excluded ones included."""
        found: list[Words] = []
        stack = [self.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Words):
                found.append(node)
            elif isinstance(node, (And, Or)):
                stack.extend(reversed(node.children))
            elif isinstance(node, Not):
                stack.append(node.child)
            elif isinstance(node, Near):
                stack.extend((node.right, node.left))
        return tuple(found)

    def __str__(self) -> str:
        return str(self.tree)


def parse(text: str, aliases: Mapping[str, str] | None = None) -> Rule:
    """Parse a watchlist rule; `aliases` maps names (without @) to their definitions.

    Raises RuleError, whose message is one sentence with the column and a fix.
    """
    return Rule(text, parse_tree(text, aliases))
