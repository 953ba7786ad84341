"""The pure fingerprint functions: tokens in three scripts, shingles, MinHash estimates."""
from __future__ import annotations

import pytest

from storage.fingerprints import (
    BANDS, MIN_SHINGLES, NUM_PERM, Fingerprint, band_keys, fingerprint, shingles, similarity, tokens,
)
from tests.fixtures.dedup.labelled import load_labelled

ARTICLES = {a.key: a for a in load_labelled()}


@pytest.mark.parametrize("text, expected", [
    ("Takaichi's talks, Modi's reply", ["takaichi", "s", "talks", "modi", "s", "reply"]),
    ("ＴＡＫＡＩＣＨＩ met Modi", ["takaichi", "met", "modi"]),           # full-width folded
    ("प्रधानमंत्री मोदी ने कहा", ["प्रधानमंत्री", "मोदी", "ने", "कहा"]),  # vowel signs kept in words
    ("高市首相は26日", ["高", "市", "首", "相", "は", "26", "日"]),            # CJK one per character
    ("カタカナー、ひらがな", ["カ", "タ", "カ", "ナ", "ー", "ひ", "ら", "が", "な"]),
])
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_shingles_are_word_runs_or_character_runs():
    assert shingles("one two three four five six") == {"one two three four five", "two three four five six"}
    japanese = shingles("高市首相とモディ首相が電話会談した")
    assert {"高市首相とモデ", "市首相とモディ", "が電話会談した"} <= japanese
    assert all(len(s) == 7 for s in japanese)


def test_too_little_text_has_no_fingerprint():
    assert fingerprint("Short", "Only a few words here.") is None
    body = " ".join(f"w{i}" for i in range(MIN_SHINGLES + 4))
    assert fingerprint("t", body) is not None


def test_identical_text_is_identical_and_blob_round_trips():
    a = ARTICLES["rbi-policy/reuters"]
    fp = fingerprint(a.title, a.body)
    assert len(fp.signature) == NUM_PERM and len(band_keys(fp)) == BANDS
    again = Fingerprint.from_blob(fp.to_blob(), fp.shingles)
    assert again == fp
    sim = similarity(fp, again)
    assert (sim.jaccard, sim.containment, sim.near_copy) == (1.0, 1.0, True)


@pytest.mark.parametrize("original, copy", [
    ("takaichi-modi-call/pti", "takaichi-modi-call/ndtv/3"),              # three of seven paragraphs
    ("rbi-policy/reuters", "rbi-policy/mint/2"),                          # half, new dateline
    ("modi-takaichi-call-hi/pti-bhasha", "modi-takaichi-call-hi/jansatta/1"),
    ("takaichi-modi-call-ja/kyodo-ja", "takaichi-modi-call-ja/sankei/1"),
    ("bear-akita/kyodo", "bear-akita/japan-times/1"),                     # the outlet's updated follow-up
])
def test_syndicated_copies_are_near_copies(original, copy):
    a, b = ARTICLES[original], ARTICLES[copy]
    sim = similarity(fingerprint(a.title, a.body), fingerprint(b.title, b.body))
    assert sim.near_copy, sim
    # They share a band key, so the index finds them.
    assert set(band_keys(fingerprint(a.title, a.body))) & set(band_keys(fingerprint(b.title, b.body)))


@pytest.mark.parametrize("one, other", [
    ("takaichi-modi-call/pti", "india-japan-2plus2/pti"),                 # same leaders, same week
    ("sensex-nov24/business-standard/0", "sensex-nov25/business-standard/0"),  # one template, two days
    ("delhi-air/ians", "delhi-air-next-day/ians"),
    ("rbi-policy/reuters", "rbi-policy-own-report/the-hindu"),            # another report of the event
    ("takaichi-modi-call-ja/kyodo-ja", "takaichi-budget-ja/kyodo-ja"),
    ("modi-takaichi-call-hi/pti-bhasha", "modi-japan-investors-hi/pti-bhasha"),
    ("hokkaido-quake/kyodo", "hokkaido-quake-2/kyodo"),
])
def test_different_stories_on_one_topic_are_not_copies(one, other):
    a, b = ARTICLES[one], ARTICLES[other]
    sim = similarity(fingerprint(a.title, a.body), fingerprint(b.title, b.body))
    assert not sim.near_copy, sim
    assert sim.jaccard < 0.2
