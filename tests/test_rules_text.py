"""Folding and tokenising: the words a rule and an article are both reduced to."""

import pytest

from rules import fold, tokenize, words

WORDS = [
    # text, words
    ("Modi meets Takaichi", ["modi", "meets", "takaichi"]),
    ("Modi's visit", ["modi", "s", "visit"]),
    ("Modi’s visit", ["modi", "s", "visit"]),
    ("“Modi”, (Takaichi).", ["modi", "takaichi"]),
    ("COVID-19", ["covid", "19"]),
    ("U.S.-Japan", ["u", "s", "japan"]),
    ("snake_case", ["snake", "case"]),
    ("ＴＡＫＡＩＣＨＩ", ["takaichi"]),
    ("Ｍｏｄｉ１２３", ["modi123"]),
    ("Erdoğan", ["erdogan"]),
    ("Erdog\u0306an", ["erdogan"]),                 # decomposed breve
    ("ZÜRICH Zürich", ["zurich", "zurich"]),
    ("Łódź", ["lodz"]),
    ("Straße", ["strasse"]),
    ("ﬁnance", ["finance"]),
    ("İstanbul", ["istanbul"]),
    ("Ærø", ["aero"]),
    ("Ελλάδα", ["ελλάδα"]),                        # accents go on Latin letters only
    # Devanagari: vowel signs and viramas stay inside the word
    ("प्रधानमंत्री मोदी ने कहा", ["प्रधानमंत्री", "मोदी", "ने", "कहा"]),
    ("मदद", ["मदद"]),
    ("मोदी।", ["मोदी"]),
    ("क़", ["क़"]),
    # Japanese: one token per character
    ("高市首相は", ["高", "市", "首", "相", "は"]),
    ("タカイチー", ["タ", "カ", "イ", "チ", "ー"]),
    ("ﾀｶｲﾁ", ["タ", "カ", "イ", "チ"]),
    ("ｶﾞｿﾘﾝ", ["ガ", "ソ", "リ", "ン"]),
    ("人々", ["人", "々"]),
    ("高市Modi首相", ["高", "市", "modi", "首", "相"]),
    ("東京2025年", ["東", "京", "2025", "年"]),
    ("", []),
    ("...", []),
]


@pytest.mark.parametrize("text,expected", WORDS)
def test_words(text, expected):
    assert words(text) == expected
    assert tokenize(text).words == expected


@pytest.mark.parametrize("text,expected", WORDS)
def test_offsets_cover_the_original_characters(text, expected):
    tokens = tokenize(text)
    assert [fold(text[s:e]) for s, e in tokens.spans] == expected


OFFSETS = [
    ("Modi's visit", [(0, 4), (5, 6), (7, 12)]),
    ("ＴＡＫＡＩＣＨＩ wins", [(0, 8), (9, 13)]),
    ("Straße Modi", [(0, 6), (7, 11)]),         # ß folds to two letters, offsets do not move
    ("ﬁnance Modi", [(0, 6), (7, 11)]),
    ("Erdog\u0306an Modi", [(0, 8), (9, 13)]),
    ("高市首相", [(0, 1), (1, 2), (2, 3), (3, 4)]),
    ("ｶﾞｿﾘﾝ高い", [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]),
]


@pytest.mark.parametrize("text,spans", OFFSETS)
def test_offsets_index_the_original_string(text, spans):
    assert tokenize(text).spans == spans


FOLD = [
    ("Modi", "modi"),
    ("ＴＡＫＡＩＣＨＩ", "takaichi"),
    ("Çağlayan", "caglayan"),
    ("मोदी", "मोदी"),
    ("ガソリン", "ガソリン"),
    ("ｶﾞｿﾘﾝ", "ガソリン"),
]


@pytest.mark.parametrize("text,expected", FOLD)
def test_fold(text, expected):
    assert fold(text) == expected


def test_devanagari_vowel_signs_are_never_stripped():
    # The accent rule is for Latin letters only: मोदी and मदद must stay different words.
    assert words("मोदी") != words("मदद")
    assert fold("मोदी") == "मोदी"
