"""How rules are read: each row is a rule and the canonical tree it must parse to.

The canonical form (`str(rule.tree)`) shows folded words, explicit operators and full
parentheses, so precedence and every spelling of an operator are visible at a glance.
"""

import pytest

from rules import Rule, parse

CANONICAL = [
    # AND: +, AND, a plain space, no space around +
    ("Modi + Takaichi", "(modi AND takaichi)"),
    ("Modi Takaichi", "(modi AND takaichi)"),
    ("Modi AND Takaichi", "(modi AND takaichi)"),
    ("Modi+Takaichi", "(modi AND takaichi)"),
    ("  Modi   +   Takaichi  ", "(modi AND takaichi)"),
    ("Modi + Takaichi + Shah", "(modi AND takaichi AND shah)"),
    ("+Modi", None),                       # a leading + is an error (see the errors table)
    # OR: OR and |
    ("Modi OR Takaichi", "(modi OR takaichi)"),
    ("Modi | Takaichi", "(modi OR takaichi)"),
    ("Modi|Takaichi|Shah", "(modi OR takaichi OR shah)"),
    # lowercase operators are ordinary words
    ("Modi and Takaichi", "(modi AND and AND takaichi)"),
    ("Modi or Takaichi", "(modi AND or AND takaichi)"),
    ("Modi not cricket", "(modi AND not AND cricket)"),
    ("Modi near Takaichi", "(modi AND near AND takaichi)"),
    ("nearby", "nearby"),
    ("ORACLE", "oracle"),
    ("ANDROID", "android"),
    # NOT: - and NOT, binding tighter than AND
    ("Modi -cricket", "(modi AND NOT cricket)"),
    ("Modi NOT cricket", "(modi AND NOT cricket)"),
    ("Modi -cricket -IPL", "(modi AND NOT cricket AND NOT ipl)"),
    ("Modi -(cricket OR IPL)", "(modi AND NOT (cricket OR ipl))"),
    ("Modi - -cricket", None),
    ("Modi −cricket", "(modi AND NOT cricket)"),          # minus sign from a phone
    ("COVID-19", '"covid 19"'),                          # a dash inside a word is not NOT
    ("Modi-Takaichi", '"modi takaichi"'),
    # precedence: NOT > AND > OR; parentheses group
    ("Modi OR Shah + Takaichi", "(modi OR (shah AND takaichi))"),
    ("Modi + Shah OR Takaichi", "((modi AND shah) OR takaichi)"),
    ("(Modi OR Shah) + Takaichi", "((modi OR shah) AND takaichi)"),
    ("((Modi))", "modi"),
    ("(Modi + (Shah + Takaichi))", "(modi AND shah AND takaichi)"),
    ("（Modi OR Shah） Takaichi", "((modi OR shah) AND takaichi)"),   # full-width parentheses
    ("Modi ＋ Takaichi", "(modi AND takaichi)"),
    ("Modi ＯＲ Takaichi", "(modi OR takaichi)"),
    # phrases
    ('"Sanae Takaichi"', '"sanae takaichi"'),
    ('"  Sanae   Takaichi "', '"sanae takaichi"'),
    ("“Sanae Takaichi”", '"sanae takaichi"'),
    ("„Sanae Takaichi“", '"sanae takaichi"'),
    ('"Takaichi"', "takaichi"),
    ('"AND"', "and"),                       # quotes make an operator an ordinary word
    ('"Modi OR Shah"', '"modi or shah"'),
    ('"rate cut*"', '"rate cut*"'),
    ("Modi's", '"modi s"'),
    ("高市", '"高 市"'),                   # Japanese terms are character sequences
    ("高市早苗", '"高 市 早 苗"'),
    ("高市 + Modi", '("高 市" AND modi)'),
    # prefixes
    ("infla*", "infla*"),
    ("Infla*", "infla*"),
    ("semicond* chips", "(semicond* AND chips)"),
    # NEAR/n
    ("Modi NEAR/5 Takaichi", "(modi NEAR/5 takaichi)"),
    ('"Sanae Takaichi" NEAR/3 Modi', '("sanae takaichi" NEAR/3 modi)'),
    ("(Modi OR Shah) NEAR/2 Takaichi", "((modi OR shah) NEAR/2 takaichi)"),
    ("Modi NEAR/5 Takaichi + Tokyo", "((modi NEAR/5 takaichi) AND tokyo)"),
    ("Modi NEAR/5 Takaichi OR Abe", "((modi NEAR/5 takaichi) OR abe)"),
    ("-Abe NEAR/5 Modi Takaichi", "(NOT (abe NEAR/5 modi) AND takaichi)"),
    ("Modi NEAR/50 Takaichi", "(modi NEAR/50 takaichi)"),
    # fields
    ("title:Modi", "title:modi"),
    ("Title:Modi", "title:modi"),
    ("TITLE:Modi", "title:modi"),
    ('title:"Sanae Takaichi"', 'title:"sanae takaichi"'),
    ("title:(Modi OR Shah)", "(title:modi OR title:shah)"),
    ("title:(Modi -cricket)", "(title:modi AND NOT title:cricket)"),
    ("body:infla*", "body:infla*"),
    ("-title:cricket Modi", "(NOT title:cricket AND modi)"),
    ("title:Modi NEAR/3 Shah", "(title:modi NEAR/3 shah)"),
    ("title:(Modi NEAR/3 Shah)", "(title:modi NEAR/3 title:shah)"),
    ("title:(title:Modi)", "title:modi"),
    # filters
    ("Modi source:business-standard", "(modi AND source:business-standard)"),
    ("Modi source:Business-Standard", "(modi AND source:business-standard)"),
    ("Modi lang:ja", "(modi AND lang:ja)"),
    ("Modi (lang:ja OR lang:hi)", "(modi AND (lang:ja OR lang:hi))"),
    ("Modi -source:nikkei", "(modi AND NOT source:nikkei)"),
    # other text: colons that are not fields, numbers, scripts
    ("10:30", '"10 30"'),
    ("मोदी + ताकाइची", "(मोदी AND ताकाइची)"),
    ("ＴＡＫＡＩＣＨＩ", "takaichi"),
    ("Erdoğan", "erdogan"),
    ("U.S. tariffs", '("u s" AND tariffs)'),
]


@pytest.mark.parametrize("text,canonical", [c for c in CANONICAL if c[1] is not None])
def test_rule_parses_to_its_canonical_tree(text, canonical):
    rule = parse(text)
    assert isinstance(rule, Rule)
    assert rule.text == text
    assert str(rule) == canonical


@pytest.mark.parametrize("text,canonical", [c for c in CANONICAL if c[1] is not None])
def test_canonical_form_reads_back_the_same(text, canonical):
    assert str(parse(canonical)) == canonical


def test_terms_lists_every_word_phrase_and_prefix_in_order():
    rule = parse('title:Modi + "Sanae Takaichi" -cricket infla* (Shah NEAR/3 Abe)')
    assert [t.text for t in rule.terms] == ["Modi", "Sanae Takaichi", "cricket", "infla*",
                                            "Shah", "Abe"]
    assert [t.field for t in rule.terms] == ["title", None, None, None, None, None]
