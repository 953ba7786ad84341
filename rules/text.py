"""Folding and tokenising text, the same way for rules and for the articles they match.

Both sides go through `fold` then `TOKEN_RE`, so whatever a user types in a rule is
compared with an article word on equal terms:

* Unicode NFKC (full-width ＴＡＫＡＩＣＨＩ becomes takaichi, half-width ｶﾞ becomes ガ)
  and case folding;
* accents are dropped from Latin letters only (Erdoğan = Erdogan), never from other
  scripts: a Devanagari vowel sign is part of the word (मोदी is not मद);
* a word is a run of letters, marks and digits, taken with the `regex` module's
  `\\p{L}\\p{M}\\p{N}` (the `re` module's `\\w` cuts मोदी into pieces);
* Chinese characters and kana are one token each, because Japanese is written without
  spaces: a Japanese term then becomes a phrase of characters (高市 is found in 高市首相は).

Offsets of every word in the original, unfolded text are kept so that an alert can
highlight exactly what the reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

__all__ = ["CJK_CHAR_RE", "TOKEN_RE", "TokenizedText", "fold", "is_cjk", "tokenize", "words"]

# ー (prolonged sound mark) and 々 (iteration mark) belong to Japanese words but not to
# the Hiragana/Katakana script properties.
_CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\u30fc\u3005"
TOKEN_RE = regex.compile(
    rf"[{_CJK_CLASS}]|[[\p{{L}}\p{{M}}\p{{N}}]--[{_CJK_CLASS}]]+", regex.V1
)
CJK_CHAR_RE = regex.compile(rf"[{_CJK_CLASS}]")
# The same tokens, found faster: a run of CJK characters is one match, split afterwards.
_RUNS_RE = regex.compile(
    rf"([{_CJK_CLASS}]+)|[[\p{{L}}\p{{M}}\p{{N}}]--[{_CJK_CLASS}]]+", regex.V1)
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+")
# The same split as _ASCII_TOKEN_RE, done by translate + split, which is 3-4x faster.
_ASCII_SEPARATORS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})
_NON_ASCII_CHAR_RE = re.compile(r"[^\x00-\x7f]")

_WORD_CHAR_RE = regex.compile(r"[\p{L}\p{M}\p{N}]")
_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_LATIN_RE = regex.compile(r"\p{Latin}")
_CLUSTER_RE = regex.compile(r"\X")
_INHERITED_RE = regex.compile(r"\p{Script=Inherited}")
# Latin letters that carry their "accent" in the letter itself, so NFD cannot split it off.
_LATIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i",
                                "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """Fold a few letters: NFKC, case fold, and strip marks from Latin letters."""
    folded = unicodedata.normalize("NFKC", cluster).casefold()
    if folded.isascii():
        return folded
    out = []
    latin_base = False
    for ch in unicodedata.normalize("NFD", folded):
        if unicodedata.category(ch).startswith("M"):
            if latin_base:
                continue
        else:
            latin_base = bool(_LATIN_RE.match(ch))
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).translate(_LATIN_LETTERS)


@lru_cache(maxsize=65536)
def _folds_to_itself(ch: str) -> bool:
    """Is a non-ASCII character left as it is by folding, whatever its neighbours?

    True for nearly all Devanagari, kana and Chinese characters and for punctuation
    such as curly quotes; False for Latin letters (accents), marks that could sit on a
    Latin letter, compatibility forms (full width) and anything case folding changes.
    """
    return (unicodedata.normalize("NFKC", ch) == ch and ch.casefold() == ch
            and ch.lower() == ch and not _LATIN_RE.match(ch) and not _INHERITED_RE.match(ch))


@lru_cache(maxsize=65536)
def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


@lru_cache(maxsize=65536)
def _is_word_char(ch: str) -> bool:
    return bool(_WORD_CHAR_RE.match(ch))


@lru_cache(maxsize=1024)
def _any_of(chars: frozenset[str]) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _non_ascii(text: str) -> list[str]:
    return [c for c in set(text) if c > "\x7f"]


_Folded = tuple[str, list[int] | None, list[int] | None, list[str] | None]


def _fold_with_offsets(text: str) -> _Folded:
    """Return the folded text and, for each folded character, the span it came from.

    The maps are None when folding kept every character in place, as it does for
    English, Hindi and Japanese text in their usual forms; then offsets carry over.
    The last item lists the folded text's non-ASCII characters when they are known
    already (None when the caller must look).
    """
    if text.isascii():
        return text.lower(), None, None, []
    others = _non_ascii(text)
    changing = frozenset(c for c in others if not _folds_to_itself(c))
    if not changing:
        return text.lower(), None, None, others
    # Copy what folds to itself (lowercased), fold the rest in small segments: a stretch
    # of characters that change, with the letter before a combining mark and the marks
    # after, so that NFKC sees whole letters (ｶﾞ, e + U+0301).
    pieces: list[str] = []
    sources: list[tuple[int, int, int]] = []      # (start, end, folded length)
    pos = 0
    size = len(text)
    for found in _any_of(changing).finditer(text):
        j = found.start()
        if j < pos:
            continue
        first = max(pos, j - 1) if _is_mark(text[j]) else j
        last = j + 1
        while last < size and text[last] > "\x7f" and (
                text[last] in changing or _is_mark(text[last])):
            last += 1
        if first > pos:
            pieces.append(text[pos:first].lower())
            sources.append((pos, first, first - pos))
        piece = _fold_cluster(text[first:last])
        if len(piece) == last - first:
            pieces.append(piece)
            sources.append((first, last, len(piece)))
        else:
            # Lengths change (ｶﾞ is one ガ): map offsets letter by letter.
            for cluster in _CLUSTER_RE.finditer(text, first, last):
                piece = _fold_cluster(cluster.group())
                pieces.append(piece)
                sources.append((cluster.start(), cluster.end(), len(piece)))
        pos = last
    if pos < len(text):
        pieces.append(text[pos:].lower())
        sources.append((pos, len(text), len(text) - pos))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(e - s == n for s, e, n in sources):
        return folded, None, None, None
    starts: list[int] = []
    ends: list[int] = []
    for s, e, n in sources:
        if e - s == n:
            starts.extend(range(s, e))
            ends.extend(range(s + 1, e + 1))
        else:
            starts.extend([s] * n)
            ends.extend([e] * n)
    return folded, starts, ends, None


def _word_re(folded: str, others: list[str] | None):
    """The cheapest tokeniser that splits this folded text correctly.

    `others` are the folded text's non-ASCII characters, or None if not known yet.
    """
    if others is None:
        others = _non_ascii(folded)
    if not others:
        return _ASCII_TOKEN_RE
    wordy = [c for c in others if _is_word_char(c)]
    if not wordy:
        return _ASCII_TOKEN_RE          # only punctuation such as curly quotes
    if any(CJK_CHAR_RE.match(c) for c in wordy):
        return _RUNS_RE
    return _WORD_RE


def fold(text: str) -> str:
    """Return `text` folded for comparison (NFKC, case fold, Latin accents removed)."""
    return _fold_with_offsets(text)[0]


def is_cjk(word: str) -> bool:
    """Tell whether a token is a single Chinese character or kana."""
    return len(word) == 1 and bool(CJK_CHAR_RE.match(word))


class TokenizedText:
    """The words of one text, folded, with their offsets in the original text.

    `words` is computed at once; `spans` (start, end offsets into the original string)
    only when asked for, since only matched articles need them.
    """

    __slots__ = ("text", "words", "_folded", "_starts", "_ends", "_spans", "_pattern")

    def __init__(self, text: str):
        self.text = text
        folded, starts, ends, others = _fold_with_offsets(text)
        self._folded = folded
        self._starts = starts
        self._ends = ends
        self._spans: list[tuple[int, int]] | None = None
        self._pattern = pattern = _word_re(folded, others)
        if pattern is _ASCII_TOKEN_RE:
            # Any non-ASCII character left is punctuation (curly quotes, dashes).
            plain = folded if folded.isascii() else _NON_ASCII_CHAR_RE.sub(" ", folded)
            self.words: list[str] = plain.translate(_ASCII_SEPARATORS).split()
        elif pattern is not _RUNS_RE:
            self.words = pattern.findall(folded)
        else:
            self.words = []
            for match in pattern.finditer(folded):
                if match.group(1):
                    self.words.extend(match.group())      # one token per character
                else:
                    self.words.append(match.group())

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            pattern = self._pattern
            if pattern is not _RUNS_RE:
                spans = [m.span() for m in pattern.finditer(self._folded)]
            else:
                spans = []
                for match in pattern.finditer(self._folded):
                    start, end = match.span()
                    if match.group(1):
                        spans.extend((i, i + 1) for i in range(start, end))
                    else:
                        spans.append((start, end))
            if self._starts is not None:
                starts, ends = self._starts, self._ends
                spans = [(starts[a], ends[b - 1]) for a, b in spans]
            self._spans = spans
        return self._spans


def tokenize(text: str) -> TokenizedText:
    """Split `text` into folded words that remember where they came from."""
    return TokenizedText(text)


def words(text: str) -> list[str]:
    """Return just the folded words of `text`."""
    return TokenizedText(text).words
