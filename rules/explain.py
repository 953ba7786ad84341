"""Why a rule matched: the terms found, in which field, at which character offsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from .document import AnalyzedDocument, Document
from .evaluate import find_hits
from .tree import FIELDS, Node

__all__ = ["Hit", "Match", "collect_hits", "describe_match"]


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """A term found in the article: `start`/`end` index the original title or body string."""

    term: str      # the term as the rule (or its alias) wrote it
    field: str     # "title" or "body"
    start: int
    end: int


@dataclass(slots=True)
class Match:
    """One rule that matched one article, with the hits that made it match.

    `rule_id` is None when the match comes from `Rule.matches` rather than a `Matcher`.
    Hits are ordered title first, then by position.
    """

    rule_id: int | None
    hits: list[Hit] = field(default_factory=list)


def collect_hits(tree: Node, adoc: AnalyzedDocument) -> list[Hit]:
    """The hits explaining why `tree` is true of the article, deduplicated and ordered."""
    seen: dict[tuple[str, int, int], Hit] = {}
    for (field_name, first, after), leaf in find_hits(tree, adoc):
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
