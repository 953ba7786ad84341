"""Explanations: which terms made a rule match, in which field, at which offsets of the
original text, so that an alert can put exactly those characters in bold."""

import pytest

from rules import Document, Hit, Matcher, describe_match, parse

HITS = [
    # rule, title, body, hits as (term, field, matched text)
    ("Modi + Takaichi", "Modi meets Takaichi", "",
     [("Modi", "title", "Modi"), ("Takaichi", "title", "Takaichi")]),
    ("Modi", "Modi", "Modi's speech. MODI!",
     [("Modi", "title", "Modi"), ("Modi", "body", "Modi"), ("Modi", "body", "MODI")]),
    ("takaichi", "ＴＡＫＡＩＣＨＩ wins", "", [("takaichi", "title", "ＴＡＫＡＩＣＨＩ")]),
    ("Erdogan", "", "President Erdoğan said", [("Erdogan", "body", "Erdoğan")]),
    ('"Sanae Takaichi"', "", "PM Sanae  Takaichi spoke",
     [("Sanae Takaichi", "body", "Sanae  Takaichi")]),
    ("infla*", "", "Inflation and inflationary", [("infla*", "body", "Inflation"),
                                                  ("infla*", "body", "inflationary")]),
    # NOT contributes nothing; only the OR branch that matched is shown
    ("Modi -cricket", "Modi", "", [("Modi", "title", "Modi")]),
    ("(Modi + Abe) OR Takaichi", "Modi and Takaichi", "",
     [("Takaichi", "title", "Takaichi")]),
    # NEAR shows the pair that is close enough, not every mention
    ("Modi NEAR/2 Takaichi", "", "Modi spoke. Later, far away, Takaichi met Modi",
     [("Takaichi", "body", "Takaichi"), ("Modi", "body", "Modi")]),
    # title: limits the hits to the title
    ("title:Modi", "Modi", "Modi", [("Modi", "title", "Modi")]),
    # a term inside a longer hit is not highlighted twice
    ('Takaichi OR "Sanae Takaichi"', "", "Sanae Takaichi",
     [("Sanae Takaichi", "body", "Sanae Takaichi")]),
    ("高市", "", "首相の高市早苗氏", [("高市", "body", "高市")]),
    ("ガソリン", "ｶﾞｿﾘﾝ価格", "", [("ガソリン", "title", "ｶﾞｿﾘﾝ")]),
    ("मोदी", "", "प्रधानमंत्री मोदी ने कहा", [("मोदी", "body", "मोदी")]),
]


@pytest.mark.parametrize("text,title,body,expected", HITS)
def test_hits_point_at_the_original_text(text, title, body, expected):
    doc = Document(title=title, body=body)
    rule = parse(text)
    matcher = Matcher()
    matcher.add(5, rule)
    [indexed] = matcher.match(doc)
    reference = rule.matches(doc)
    assert indexed.hits == reference.hits
    seen = [(h.term, h.field, (title if h.field == "title" else body)[h.start:h.end])
            for h in indexed.hits]
    assert seen == expected


def test_hits_are_ordered_title_first_then_by_position():
    doc = Document(title="Takaichi and Modi", body="Modi, then Takaichi")
    [match] = _match("Modi Takaichi", doc)
    assert match.hits == [Hit("Takaichi", "title", 0, 8), Hit("Modi", "title", 13, 17),
                          Hit("Modi", "body", 0, 4), Hit("Takaichi", "body", 11, 19)]


def test_describe_match_lists_each_hit():
    doc = Document(title="Modi meets Takaichi", body="")
    [match] = _match("Modi + Takaichi", doc)
    assert describe_match(match, doc) == ("title 0-4: Modi (term Modi)\n"
                                          "title 11-19: Takaichi (term Takaichi)")


def test_a_match_from_rule_matches_has_no_rule_id():
    match = parse("Modi").matches(Document("Modi", ""))
    assert match.rule_id is None and match.hits == [Hit("Modi", "title", 0, 4)]


def _match(text, doc):
    matcher = Matcher()
    matcher.add(1, parse(text))
    return matcher.match(doc)
