"""Why a rule matched: the terms found, in which field, at which character offsets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .document import AnalyzedDocument, Document
from .evaluate import Occurrences, find_hits, occurrences
from .tree import FIELDS, Node

__all__ = ["Hit", "Match", "collect_hits", "describe_match"]


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """A term found in the article: `start`/`end` index the original title or body string."""

    term: str      # the term as the rule (or its alias) wrote it
    field: str     # "title" or "body"
    start: int
    end: int


class Match:
    """One rule that matched one article, with the hits that made it match.

    `rule_id` is None when the match comes from `Rule.matches` rather than a `Matcher`.
    `hits` are ordered title first, then by position. The Matcher works them out on
    first access: an article can match hundreds of rules, and callers that only need
    the ids (or the first rule per chat) should not pay for every explanation.
    """

    __slots__ = ("rule_id", "_hits", "_tree", "_explain")

    def __init__(self, rule_id: int | None, hits: list[Hit] | None = None,
                 tree: Node | None = None,
                 explain: Callable[[Node], list[Hit]] | None = None):
        # Either the hits, or the rule tree and a function that finds them in the
        # article (one function shared by all the article's matches: no allocation).
        self.rule_id = rule_id
        self._hits = hits
        self._tree = tree
        self._explain = explain

    @property
    def hits(self) -> list[Hit]:
        if self._hits is None:
            self._hits = self._explain(self._tree)
            self._tree = self._explain = None
        return self._hits

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Match):
            return NotImplemented
        return self.rule_id == other.rule_id and self.hits == other.hits

    __hash__ = None

    def __repr__(self) -> str:
        return f"Match(rule_id={self.rule_id!r}, hits={self.hits!r})"


def collect_hits(tree: Node, adoc: AnalyzedDocument,
                 occ: Occurrences = occurrences) -> list[Hit]:
    """The hits explaining why `tree` is true of the article, deduplicated and ordered."""
    seen: dict[tuple[str, int, int], Hit] = {}
    for (field_name, first, after), leaf in find_hits(tree, adoc, occ):
        start, end = adoc.span(field_name, first, after)
        key = (field_name, start, end)
        if key not in seen:
            seen[key] = Hit(leaf.text, field_name, start, end)
    order = {name: i for i, name in enumerate(FIELDS)}
    ordered = sorted(seen.values(), key=lambda h: (order[h.field], h.start, -h.end, h.term))
    # A hit inside a longer one ("Takaichi" in "Sanae Takaichi") would only nest highlights.
    kept: list[Hit] = []
    for hit in ordered:
        if kept and kept[-1].field == hit.field and hit.end <= kept[-1].end:
            continue
        kept.append(hit)
    return kept


def describe_match(match: Match, doc: Document) -> str:
    """One line per hit, e.g. `title 0-8: Takaichi (term Takaichi)`, for the CLI and /test."""
    lines = []
    for hit in match.hits:
        text = doc.title if hit.field == "title" else doc.body
        lines.append(f"{hit.field} {hit.start}-{hit.end}: {text[hit.start:hit.end]} "
                     f"(term {hit.term})")
    return "\n".join(lines)
