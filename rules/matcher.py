"""Matching one article against many rules at once, through a term index.

The idea is Lucene Monitor's presearcher: every rule is registered under one or a few
anchor terms, chosen so that the rule can only match an article that contains one of
them (one term of an AND, every side of an OR). An article is tokenised once; the rules
anchored on its words are the candidates, and only they get the full boolean check,
compiled once per rule into nested closures that read the article's word sets and
positions. The reference evaluator in evaluate.py is the specification these
closures must agree with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from .document import AnalyzedDocument, Document, analyze, filter_matches
from .explain import Match, collect_hits
from .parser import positive
from .rule import Rule
from .text import CJK_CHAR_RE
from .tree import FIELDS, And, Filter, Near, Node, Not, Or, Words

__all__ = ["Matcher", "anchors", "compile_check"]

Check = Callable[[AnalyzedDocument], bool]
Anchor = tuple[str, str]            # ("word", w) or ("prefix", p)

# Words so common that anchoring on them would make most rules candidates of most
# articles; a rule anchors on them only when it has nothing better.
_COMMON = frozenset(
    "a an and are as at be by for from has have he in is it its of on or said says she "
    "that the their they this to was were will with ने का की के है में और से को".split())


# --- the boolean check, compiled -----------------------------------------------------

def _phrase_spans(leaf: Words, d: AnalyzedDocument) -> Iterator[tuple[str, int, int]]:
    """Where the leaf occurs, found from the position lists rather than by scanning."""
    first, *rest = leaf.words
    size = len(leaf.words)
    for field in (leaf.field,) if leaf.field else FIELDS:
        text = d.words(field)
        if size == 1 and leaf.prefix:
            positions = d.positions(field)
            starts = sorted(p for w in d.words_with_prefix(first) for p in positions.get(w, ()))
        else:
            starts = d.positions(field).get(first, ())
        limit = len(text) - size
        for i in starts:
            if i > limit:
                break
            ok = True
            for k in range(1, size):
                word = text[i + k]
                if leaf.prefix and k == size - 1:
                    ok = word.startswith(rest[-1])
                else:
                    ok = word == rest[k - 1]
                if not ok:
                    break
            if ok:
                yield field, i, i + size


def indexed_occurrences(leaf: Words, d: AnalyzedDocument):
    """Occurrences as `evaluate.occurrences` gives them, found through the position lists.

    Spans are remembered per article: popular terms recur in many rules.
    """
    spans = d.memo.get(leaf)
    if spans is None:
        spans = d.memo[leaf] = tuple(_phrase_spans(leaf, d))
    return [(span, leaf) for span in spans]


def _words_check(leaf: Words) -> Check:
    field = leaf.field
    if len(leaf.words) == 1:
        word = leaf.words[0]
        if not leaf.prefix:
            if field is None:
                return lambda d: word in d.all_words
            return lambda d: word in d.word_set(field)
        if field is None:
            return lambda d: bool(d.words_with_prefix(word))
        return lambda d: not d.word_set(field).isdisjoint(d.words_with_prefix(word))
    needed = frozenset(leaf.words[:-1] if leaf.prefix else leaf.words)

    def check(d: AnalyzedDocument) -> bool:
        # Most articles lack one of the words, which the set test shows at once.
        if not needed <= d.word_set(field):
            return False
        return next(_phrase_spans(leaf, d), None) is not None
    return check


def _span_list(node: Node, d: AnalyzedDocument) -> list[tuple[str, int, int]]:
    if isinstance(node, Words):
        return list(_phrase_spans(node, d))
    return [span for child in node.children for span in _span_list(child, d)]


def _near_check(node: Near) -> Check:
    left_check, right_check = compile_check(node.left), compile_check(node.right)
    distance = node.distance

    def check(d: AnalyzedDocument) -> bool:
        if not (left_check(d) and right_check(d)):
            return False
        rights = _span_list(node.right, d)
        for lf, ls, le in _span_list(node.left, d):
            for rf, rs, re_ in rights:
                if lf == rf and ((le <= rs and rs - le + 1 <= distance)
                                 or (re_ <= ls and ls - re_ + 1 <= distance)):
                    return True
        return False
    return check


def compile_check(node: Node) -> Check:
    """Turn a rule tree into a function telling whether an analysed article matches."""
    if isinstance(node, Words):
        return _words_check(node)
    if isinstance(node, Near):
        return _near_check(node)
    if isinstance(node, Filter):
        name, value = node.name, node.value
        return lambda d: filter_matches(name, value, d.doc)
    if isinstance(node, Not):
        inner = compile_check(node.child)
        return lambda d: not inner(d)
    if isinstance(node, And):
        return _all_check(node.children)
    return _any_check(node.children)


def _plain_word(node: Node) -> str | None:
    """The word of a leaf that is one whole word, anywhere in the article; else None."""
    if isinstance(node, Words) and len(node.words) == 1 and not node.prefix and not node.field:
        return node.words[0]
    return None


def _all_check(children: tuple[Node, ...]) -> Check:
    # Plain words and plain exclusions, the bulk of most rules, become two set tests.
    needed = frozenset(w for w in map(_plain_word, children) if w)
    excluded = frozenset(w for c in children if isinstance(c, Not)
                         for w in (_plain_word(c.child),) if w)
    rest = tuple(compile_check(c) for c in children
                 if not _plain_word(c) and not (isinstance(c, Not) and _plain_word(c.child)))
    if not rest:
        return lambda d: needed <= d.all_words and excluded.isdisjoint(d.all_words)
    if len(rest) == 1:
        (other,) = rest
        return lambda d: (needed <= d.all_words and excluded.isdisjoint(d.all_words)
                          and other(d))
    return lambda d: (needed <= d.all_words and excluded.isdisjoint(d.all_words)
                      and all(c(d) for c in rest))


def _any_check(children: tuple[Node, ...]) -> Check:
    wanted = frozenset(w for w in map(_plain_word, children) if w)
    rest = tuple(compile_check(c) for c in children if not _plain_word(c))
    if not rest:
        return lambda d: not wanted.isdisjoint(d.all_words)
    return lambda d: not wanted.isdisjoint(d.all_words) or any(c(d) for c in rest)


# --- anchors -------------------------------------------------------------------------

def _cost(anchor: Anchor) -> float:
    """Guess how often an anchor is in an article: long words are rarer than short ones."""
    kind, text = anchor
    if kind == "prefix":
        return 2.0 / len(text)
    if text in _COMMON:
        return 5.0
    if CJK_CHAR_RE.fullmatch(text):
        return 1.0 if "\u4e00" <= text <= "\u9fff" else 3.0    # a Han character or kana
    return 1.0 / len(text)


def anchors(node: Node) -> list[Anchor] | None:
    """Terms one of which every article matching `node` contains; None if there are none."""
    if isinstance(node, Words):
        exact = node.words[:-1] if node.prefix else node.words
        if exact:
            return [min((("word", w) for w in exact), key=_cost)]
        return [("prefix", node.words[-1])]
    if isinstance(node, Near):
        sides = [a for a in (anchors(node.left), anchors(node.right)) if a is not None]
        return min(sides, key=lambda a: sum(map(_cost, a)))
    if isinstance(node, And):
        options = [a for a in map(anchors, node.children) if a is not None]
        if not options:
            return None
        return min(options, key=lambda a: sum(map(_cost, a)))
    if isinstance(node, Or):
        found: list[Anchor] = []
        for child in node.children:
            sub = anchors(child)
            if sub is None:
                return None
            found.extend(a for a in sub if a not in found)
        return found
    return None


def _implied_by_anchors(node: Node) -> bool:
    """Is a rule true of every article holding one of its anchors (a word or OR of words)?"""
    if isinstance(node, Words):
        return node.field is None and len(node.words) == 1
    if isinstance(node, Or):
        return all(_implied_by_anchors(c) for c in node.children)
    return False


class Matcher:
    """All registered rules, indexed by anchor terms.

    Rule ids are the caller's (the watchlist row ids); `match` returns them in order.
    """

    def __init__(self) -> None:
        self._rules: dict[int, tuple[Rule, Check, list[Anchor]]] = {}
        # The check to run on a candidate; None when being a candidate is proof enough.
        self._checks: dict[int, Check | None] = {}
        self._trees: dict[int, Node] = {}
        self._by_word: dict[str, set[int]] = {}
        self._by_prefix: dict[str, set[int]] = {}
        self._prefix_lengths: dict[int, int] = {}    # length -> how many prefixes have it

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def add(self, rule_id: int, rule: Rule) -> None:
        """Register a rule under its anchors; a rule with the same id is replaced."""
        if rule_id in self._rules:
            self.remove(rule_id)
        found = anchors(rule.tree)
        if found is None or not positive(rule.tree):
            # parse() refuses such rules; this guards trees built by hand.
            raise ValueError(f"rule {rule_id} has no term to look for: {rule.text}")
        check = compile_check(rule.tree)
        self._rules[rule_id] = (rule, check, found)
        self._checks[rule_id] = None if _implied_by_anchors(rule.tree) else check
        self._trees[rule_id] = rule.tree
        for kind, text in found:
            if kind == "word":
                self._by_word.setdefault(text, set()).add(rule_id)
            else:
                ids = self._by_prefix.setdefault(text, set())
                if not ids:
                    self._prefix_lengths[len(text)] = self._prefix_lengths.get(len(text), 0) + 1
                ids.add(rule_id)

    def remove(self, rule_id: int) -> None:
        """Forget a rule; KeyError if it was never added."""
        _, _, found = self._rules.pop(rule_id)
        del self._checks[rule_id]
        del self._trees[rule_id]
        for kind, text in found:
            if kind == "word":
                ids = self._by_word[text]
                ids.discard(rule_id)
                if not ids:
                    del self._by_word[text]
            else:
                ids = self._by_prefix[text]
                ids.discard(rule_id)
                if not ids:
                    del self._by_prefix[text]
                    self._prefix_lengths[len(text)] -= 1
                    if not self._prefix_lengths[len(text)]:
                        del self._prefix_lengths[len(text)]

    def candidates(self, adoc: AnalyzedDocument) -> set[int]:
        """Ids of the rules anchored on a word of the article."""
        present = adoc.word_set(None)
        by_word = self._by_word
        found: set[int] = set()
        for word in by_word.keys() & present:      # walks the smaller of the two
            found |= by_word[word]
        if self._by_prefix:
            # Look up each beginning of each word that some prefix has the length of.
            by_prefix = self._by_prefix
            lengths = sorted(self._prefix_lengths)
            for word in present:
                for size in lengths:
                    if size > len(word):
                        break
                    ids = by_prefix.get(word[:size])
                    if ids:
                        found |= ids
        return found

    def match(self, doc: Document | AnalyzedDocument) -> list[Match]:
        """The rules matching the article, by rule id, each with its explanation."""
        adoc = doc if isinstance(doc, AnalyzedDocument) else analyze(doc)
        checks, trees = self._checks, self._trees
        explain = partial(collect_hits, adoc=adoc, occ=indexed_occurrences)
        out = []
        for rule_id in sorted(self.candidates(adoc)):
            check = checks[rule_id]
            if check is None or check(adoc):
                out.append(Match(rule_id, None, trees[rule_id], explain))
        return out

    def check_all(self, doc: Document | AnalyzedDocument) -> list[int]:
        """Ids of matching rules found by checking every rule, without the index.

        The naive loop, kept for the benchmark and for tests of the index itself.
        """
        adoc = doc if isinstance(doc, AnalyzedDocument) else analyze(doc)
        return [rule_id for rule_id, (_, check, _) in sorted(self._rules.items())
                if check(adoc)]
