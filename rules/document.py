"""The article as the rules engine sees it: title and extracted body, plus metadata.

`Document` is what callers build. `AnalyzedDocument` holds its words, folded and
tokenised once, with the lookups both evaluators need, built only when first asked for.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .text import TokenizedText, tokenize

__all__ = ["AnalyzedDocument", "Document", "analyze", "filter_matches"]


@dataclass(frozen=True, slots=True)
class Document:
    """An article: its headline, its extracted text (never sidebars), where it is from."""

    title: str
    body: str
    source: str | None = None
    lang: str | None = None


class AnalyzedDocument:
    """A `Document` split into folded words per field, with lazily built lookups."""

    __slots__ = ("doc", "fields", "memo", "all_words", "_sets", "_positions", "_prefixes",
                 "_sorted")

    def __init__(self, doc: Document):
        self.doc = doc
        self.fields: dict[str, TokenizedText] = {
            "title": tokenize(doc.title or ""), "body": tokenize(doc.body or "")}
        self._sets: dict[str | None, frozenset[str]] = {
            name: frozenset(text.words) for name, text in self.fields.items()}
        # Every check starts by asking whether a word is anywhere in the article.
        self.all_words = self._sets[None] = self._sets["title"] | self._sets["body"]
        self._positions: dict[str, dict[str, list[int]]] = {}
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._sorted: list[str] | None = None
        self.memo: dict = {}       # per-article results an evaluator wants to reuse

    def words(self, field: str) -> list[str]:
        return self.fields[field].words

    def word_set(self, field: str | None) -> frozenset[str]:
        """Distinct words of one field, or of the whole article when `field` is None."""
        return self._sets[field]

    def positions(self, field: str) -> dict[str, list[int]]:
        """Word -> the positions where it occurs in `field`, in increasing order."""
        found = self._positions.get(field)
        if found is None:
            found = {}
            for i, word in enumerate(self.fields[field].words):
                at = found.get(word)
                if at is None:
                    found[word] = [i]
                else:
                    at.append(i)
            self._positions[field] = found
        return found

    def words_with_prefix(self, prefix: str) -> tuple[str, ...]:
        """Distinct words of the article that start with `prefix`."""
        found = self._prefixes.get(prefix)
        if found is None:
            if self._sorted is None:
                self._sorted = sorted(self.word_set(None))
            ordered = self._sorted
            i = j = bisect.bisect_left(ordered, prefix)
            while j < len(ordered) and ordered[j].startswith(prefix):
                j += 1
            found = self._prefixes[prefix] = tuple(ordered[i:j])
        return found

    def span(self, field: str, start: int, end: int) -> tuple[int, int]:
        """Character offsets in the original field text of words start..end-1."""
        spans = self.fields[field].spans
        return spans[start][0], spans[end - 1][1]


def analyze(doc: Document) -> AnalyzedDocument:
    """Tokenise an article once so that any number of rules can be checked against it."""
    return AnalyzedDocument(doc)


def filter_matches(name: str, value: str, doc: Document) -> bool:
    """Does `source:value` or `lang:value` hold for this article?

    Sources compare exactly (ignoring case); languages by their primary subtag, so
    lang:ja accepts an article tagged ja-JP.
    """
    actual = doc.source if name == "source" else doc.lang
    if not actual:
        return False
    actual = actual.casefold()
    if name == "lang":
        return actual == value or actual.replace("_", "-").split("-")[0] == value
    return actual == value

