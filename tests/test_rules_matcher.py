"""The indexed Matcher: registering rules, finding candidates through anchors, matching
real articles in English, Hindi and Japanese."""

import json
from pathlib import Path

import pytest

from rules import Document, Matcher, parse
from rules.matcher import anchors

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"


def test_add_remove_replace_and_len():
    matcher = Matcher()
    matcher.add(1, parse("Modi"))
    matcher.add(2, parse("Takaichi"))
    assert len(matcher) == 2 and 1 in matcher
    doc = Document(title="Modi meets Takaichi", body="")
    assert [m.rule_id for m in matcher.match(doc)] == [1, 2]

    matcher.add(1, parse("Shah"))                 # same id: replaced
    assert len(matcher) == 2
    assert [m.rule_id for m in matcher.match(doc)] == [2]

    matcher.remove(2)
    assert len(matcher) == 1 and 2 not in matcher
    assert matcher.match(doc) == []
    with pytest.raises(KeyError):
        matcher.remove(2)


def test_removed_prefix_and_or_rules_leave_no_trace():
    matcher = Matcher()
    matcher.add(1, parse("infla* OR Modi"))
    matcher.add(2, parse("infla*"))
    matcher.remove(1)
    matcher.remove(2)
    assert matcher.candidates(_analyzed("Inflation and Modi")) == set()


def test_matches_come_sorted_by_rule_id():
    matcher = Matcher()
    for rule_id in (30, 4, 17, 9):
        matcher.add(rule_id, parse("Modi"))
    assert [m.rule_id for m in matcher.match(Document("Modi", ""))] == [4, 9, 17, 30]


def test_empty_matcher_and_empty_article():
    assert Matcher().match(Document("Modi", "")) == []
    matcher = Matcher()
    matcher.add(1, parse("Modi"))
    assert matcher.match(Document("", "")) == []


def _analyzed(title, body=""):
    from rules import analyze
    return analyze(Document(title=title, body=body))


ANCHORS = [
    # rule, anchor terms the rule is registered under
    ("Modi", [("word", "modi")]),
    ("Modi + Takaichi", [("word", "takaichi")]),                 # the longer, rarer word
    ("the + Takaichi", [("word", "takaichi")]),
    ('"Sanae Takaichi"', [("word", "takaichi")]),
    ("Modi OR Takaichi", [("word", "modi"), ("word", "takaichi")]),
    ("Modi -cricket", [("word", "modi")]),
    ("Modi source:nikkei", [("word", "modi")]),
    ("infla*", [("prefix", "infla")]),
    ('"rate cut*"', [("word", "rate")]),
    ("infla* + Takaichi", [("word", "takaichi")]),
    ("Modi NEAR/3 Takaichi", [("word", "takaichi")]),
    ("(Modi OR Shah) + Takaichi", [("word", "takaichi")]),
    ("(Modi OR Shah) + of", [("word", "modi"), ("word", "shah")]),
    ("高市", [("word", "高")]),
    ("はしか", [("word", "は")]),
]


@pytest.mark.parametrize("text,expected", ANCHORS)
def test_each_rule_has_anchor_terms(text, expected):
    assert anchors(parse(text).tree) == expected


def test_only_anchored_rules_are_candidates():
    matcher = Matcher()
    matcher.add(1, parse("Modi + Takaichi"))     # anchored on takaichi
    matcher.add(2, parse("Shah"))
    matcher.add(3, parse("infla*"))
    assert matcher.candidates(_analyzed("Modi speaks")) == set()
    assert matcher.candidates(_analyzed("Takaichi speaks")) == {1}
    assert matcher.candidates(_analyzed("Inflationary Shah")) == {2, 3}


def test_check_all_agrees_with_the_index():
    matcher = Matcher()
    texts = ["Modi", "Modi -cricket", "title:Takaichi", '"Sanae Takaichi"', "infla*",
             "Modi NEAR/2 Takaichi", "高市 + 首相", "Modi lang:en"]
    for i, text in enumerate(texts):
        matcher.add(i, parse(text))
    doc = Document("Takaichi and Modi", "Sanae Takaichi, inflation, 高市首相, cricket", lang="en")
    expected = [0, 2, 3, 4, 5, 6, 7]           # 1 is excluded by cricket
    assert [m.rule_id for m in matcher.match(doc)] == matcher.check_all(doc) == expected


# --- real articles, read in place from the shared fixtures ----------------------------

def _fundus(name):
    path = SHARED / "groundtruth" / f"fundus_{name}.json"
    if not path.exists():
        pytest.skip("shared real fixtures are not available")
    record = next(iter(json.loads(path.read_text(encoding="utf-8")).values()))
    body = "\n\n".join(p for section in record["body"]["sections"] for p in section["paragraphs"])
    return Document(title=record["title"], body=body)


REAL = [
    # fixture, rule, matches?
    ("jp_Nikkei", "イオン銀行", True),
    ("jp_Nikkei", "金融庁 + マネロン", True),
    ("jp_Nikkei", "title:イオン銀", True),
    ("jp_Nikkei", "イオン銀行 -金融庁", False),            # NOT judged on the whole article
    ("jp_Nikkei", "高市", False),
    ("jp_AsahiShimbun", "気象庁 + 津波", True),
    ("jp_AsahiShimbun", "title:(震度 + 宮崎)", True),
    ("jp_AsahiShimbun", "body:気象庁 NEAR/3 発表", False),   # characters are words: far apart
    ("ind_Bhaskar", "चोरी + पुलिस", True),
    ("ind_Bhaskar", "मोहम्मद NEAR/1 तबरेज", True),
    ("ind_Bhaskar", "मदद", False),
    ("ind_TimesOfIndia", '"digital terrorism" + Pakistan', True),
    ("ind_TimesOfIndia", "Munir NEAR/2 Asim", True),
    ("ind_TimesOfIndia", "Azm*", True),
    ("ind_TimesOfIndia", "Modi", False),
]


@pytest.mark.parametrize("fixture,text,expected", REAL)
def test_real_articles(fixture, text, expected):
    doc = _fundus(fixture)
    rule = parse(text)
    matcher = Matcher()
    matcher.add(1, rule)
    found = matcher.match(doc)
    assert bool(found) == expected == (rule.matches(doc) is not None)
    for hit in found[0].hits if found else []:
        original = doc.title if hit.field == "title" else doc.body
        assert original[hit.start:hit.end]          # offsets point at real characters
