"""The reference evaluator: a plain walk of the rule tree over an article's words.

It scans word lists directly and uses no index, so it is slow but easy to trust; the
indexed `Matcher` must always agree with it (tests/test_rules_properties.py). It also
collects the explanation of a match: which terms were found where.
"""

from __future__ import annotations

from collections.abc import Callable

from .document import AnalyzedDocument, filter_matches
from .tree import FIELDS, And, Filter, Near, Node, Not, Or, Words

__all__ = ["evaluate", "find_hits", "near_pairs", "occurrences"]

# (field, first word position, position after the last word)
Span = tuple[str, int, int]
Occurrences = Callable[[Words, AnalyzedDocument], list[tuple[Span, Words]]]


def occurrences(leaf: Words, adoc: AnalyzedDocument) -> list[tuple[Span, Words]]:
    """Every place the leaf's words occur, in its field or in both fields."""
    found = []
    size = len(leaf.words)
    *head, last = leaf.words
    for field in (leaf.field,) if leaf.field else FIELDS:
        text = adoc.words(field)
        for i in range(len(text) - size + 1):
            if any(text[i + k] != w for k, w in enumerate(head)):
                continue
            word = text[i + size - 1]
            if word.startswith(last) if leaf.prefix else word == last:
                found.append(((field, i, i + size), leaf))
    return found


def _spans(node: Node, adoc: AnalyzedDocument, occ: Occurrences) -> list[tuple[Span, Words]]:
    if isinstance(node, Words):
        return occ(node, adoc)
    return [hit for child in node.children for hit in _spans(child, adoc, occ)]  # an Or of spans


def near_pairs(node: Near, adoc: AnalyzedDocument,
               occ: Occurrences = occurrences) -> list[tuple[tuple[Span, Words], ...]]:
    """Pairs of occurrences, one of each side, in the same field and close enough.

    The distance of two non-overlapping occurrences is the position of the later one's
    first word minus the earlier one's last word (neighbours are 1 apart).
    """
    pairs = []
    rights = _spans(node.right, adoc, occ)
    for left in _spans(node.left, adoc, occ):
        (lf, ls, le), _ = left
        for right in rights:
            (rf, rs, re_), _ = right
            if lf != rf:
                continue
            if le <= rs:
                gap = rs - le + 1
            elif re_ <= ls:
                gap = ls - re_ + 1
            else:
                continue
            if gap <= node.distance:
                pairs.append((left, right))
    return pairs


def evaluate(node: Node, adoc: AnalyzedDocument, occ: Occurrences = occurrences) -> bool:
    """Is the rule (sub)tree true of this article?

    `occ` finds a term's occurrences; the default scans the words, the Matcher passes
    one that reads its position lists.
    """
    if isinstance(node, Words):
        return bool(occ(node, adoc))
    if isinstance(node, And):
        return all(evaluate(c, adoc, occ) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, adoc, occ) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, adoc, occ)
    if isinstance(node, Near):
        return bool(near_pairs(node, adoc, occ))
    if isinstance(node, Filter):
        return filter_matches(node.name, node.value, adoc.doc)
    raise TypeError(f"not a rule node: {node!r}")


def find_hits(node: Node, adoc: AnalyzedDocument,
              occ: Occurrences = occurrences) -> list[tuple[Span, Words]]:
    """The occurrences that make a true (sub)tree true; nothing under NOT counts."""
    if isinstance(node, Words):
        return occ(node, adoc)
    if isinstance(node, Near):
        return [hit for pair in near_pairs(node, adoc, occ) for hit in pair]
    if isinstance(node, (And, Or)):
        return [hit for c in node.children if evaluate(c, adoc, occ)
                for hit in find_hits(c, adoc, occ)]
    return []
