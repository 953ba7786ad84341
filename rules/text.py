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
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+")
_ASCII_TOKEN_ANYCASE_RE = re.compile(r"[A-Za-z0-9]+")

_WORD_CHAR_RE = regex.compile(r"[\p{L}\p{M}\p{N}]")
_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f]+")
_CLUSTER_RE = regex.compile(r"\X")
_LATIN_RE = regex.compile(r"\p{Latin}")
_INHERITED_RE = regex.compile(r"\p{Script=Inherited}")
# Latin letters that carry their "accent" in the letter itself, so NFD cannot split it off.
_LATIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i",
                                "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """Fold one grapheme cluster: NFKC, case fold, and strip marks from Latin letters."""
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
def _is_word_char(ch: str) -> bool:
    return bool(_WORD_CHAR_RE.match(ch))


def _non_ascii(text: str) -> list[str]:
    return [c for c in set(text) if c > "\x7f"]


def _fold_with_offsets(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return the folded text and, for each folded character, the span it came from.

    The maps are None when folding kept every character in place, as it does for
    English, Hindi and Japanese text in their usual forms; then offsets carry over.
    """
    if text.isascii():
        return text.lower(), None, None
    if all(map(_folds_to_itself, _non_ascii(text))) and unicodedata.is_normalized("NFKC", text):
        return text.lower(), None, None
    pieces: list[str] = []
    sources: list[tuple[int, int, int]] = []      # (start, end, folded length)
    pos = 0
    for run in _NON_ASCII_RUN_RE.finditer(text):
        a, b = run.span()
        # A combining mark after an ASCII letter ("e" + U+0301) is folded with it.
        if a > pos and unicodedata.category(text[a]).startswith("M"):
            a -= 1
        if a > pos:
            pieces.append(text[pos:a].lower())
            sources.append((pos, a, a - pos))
        for cluster in _CLUSTER_RE.finditer(text, a, b):
            piece = _fold_cluster(cluster.group())
            pieces.append(piece)
            sources.append((cluster.start(), cluster.end(), len(piece)))
        pos = b
    if pos < len(text):
        pieces.append(text[pos:].lower())
        sources.append((pos, len(text), len(text) - pos))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(e - s == n for s, e, n in sources):
        return folded, None, None
    starts: list[int] = []
    ends: list[int] = []
    for s, e, n in sources:
        if e - s == n:
            starts.extend(range(s, e))
            ends.extend(range(s + 1, e + 1))
        else:
            starts.extend([s] * n)
            ends.extend([e] * n)
    return folded, starts, ends


def _word_re(folded: str):
    """The cheapest tokeniser that splits this folded text correctly."""
    if folded.isascii():
        return _ASCII_TOKEN_RE
    wordy = [c for c in _non_ascii(folded) if _is_word_char(c)]
    if not wordy:
        return _ASCII_TOKEN_RE          # only punctuation such as curly quotes
    if any(CJK_CHAR_RE.match(c) for c in wordy):
        return TOKEN_RE
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

    __slots__ = ("text", "words", "_folded", "_starts", "_ends", "_spans")

    def __init__(self, text: str):
        self.text = text
        folded, starts, ends = _fold_with_offsets(text)
        self._folded = folded
        self._starts = starts
        self._ends = ends
        self._spans: list[tuple[int, int]] | None = None
        self.words: list[str] = _word_re(folded).findall(folded)

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            found = _word_re(self._folded).finditer(self._folded)
            if self._starts is None:
                self._spans = [m.span() for m in found]
            else:
                starts, ends = self._starts, self._ends
                self._spans = [(starts[m.start()], ends[m.end() - 1]) for m in found]
        return self._spans


def tokenize(text: str) -> TokenizedText:
    """Split `text` into folded words that remember where they came from."""
    return TokenizedText(text)


def words(text: str) -> list[str]:
    """Return just the folded words of `text`."""
    if text.isascii():
        return _ASCII_TOKEN_ANYCASE_RE.findall(text.lower())
    return TokenizedText(text).words
