"""Properties over random rules and articles (hypothesis).

The indexed Matcher (anchors, compiled checks, position lists) and the reference
evaluator (a plain walk over word lists) are written independently; on any rules and
any text they must pick the same rules and explain them with the same hits.
"""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rules import Document, Matcher, RuleError, fold, parse, tokenize
from rules.parser import parse_tree

# A small vocabulary so that random rules and random texts meet often; it mixes
# scripts, accents, case and words that share prefixes.
VOCAB = [
    "modi", "Modi", "modine", "modified", "takaichi", "Takaichi", "sanae", "shah", "tokyo",
    "delhi", "inflation", "inflate", "rate", "rates", "cut", "erdoğan", "erdogan",
    "ＴＡＫＡＩＣＨＩ", "मोदी", "मदद", "प्रधानमंत्री", "ने", "高市", "首相", "は", "市場",
    "covid", "19", "the", "and", "or",
]
PREFIXABLE = ["mod", "modi", "taka", "infla", "rate", "erdo", "प्रधान", "covi"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "'s ", "-", " (", ") ", "\n"]


def _word():
    return st.sampled_from([w for w in VOCAB if w not in ("and", "or")])


leaf = st.one_of(
    _word(),
    st.lists(_word(), min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.sampled_from(PREFIXABLE).map(lambda p: p + "*"),
)
positive_leaf = st.one_of(
    leaf,
    st.tuples(st.sampled_from(["title:", "body:"]), leaf).map("".join),
    st.tuples(leaf, st.integers(1, 4), leaf).map(lambda t: f"{t[0]} NEAR/{t[1]} {t[2]}"),
    st.tuples(leaf, leaf, st.integers(1, 6), leaf).map(
        lambda t: f"({t[0]} OR {t[1]}) NEAR/{t[2]} {t[3]}"),
)
extra = st.one_of(
    leaf.map(lambda x: "-" + x),
    leaf.map(lambda x: "NOT " + x),
    st.sampled_from(["source:bs", "lang:ja", "-lang:en", "-title:modi"]),
)


def _combine(children):
    return st.one_of(
        st.tuples(children, children).map(lambda t: f"({t[0]} OR {t[1]})"),
        st.tuples(children, children).map(lambda t: f"{t[0]} | {t[1]}"),
        st.tuples(children, children).map(lambda t: f"{t[0]} {t[1]}"),
        st.tuples(children, children).map(lambda t: f"({t[0]} + {t[1]})"),
        st.tuples(children, extra).map(lambda t: f"({t[0]} {t[1]})"),
        st.tuples(st.sampled_from(["title:", "body:"]), children).map(
            lambda t: f"{t[0]}({t[1]})"),
    )


rule_text = st.recursive(positive_leaf, _combine, max_leaves=6)


def _text(max_words):
    pieces = st.lists(st.tuples(_word(), st.sampled_from(SEPARATORS), st.booleans()),
                      max_size=max_words)
    return pieces.map(lambda ws: "".join((w.upper() if up else w) + sep for w, sep, up in ws))


document = st.builds(Document, title=_text(6), body=_text(30),
                     source=st.sampled_from([None, "bs", "nikkei"]),
                     lang=st.sampled_from([None, "en", "ja", "ja-JP"]))


def _parse_or_skip(text):
    try:
        return parse(text)
    except RuleError:
        assume(False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(rule_text, min_size=1, max_size=8), doc=document)
def test_indexed_matcher_agrees_with_reference_evaluator(texts, doc):
    rules = [_parse_or_skip(t) for t in texts]
    matcher = Matcher()
    for i, rule in enumerate(rules):
        matcher.add(i, rule)
    expected = [(i, m.hits) for i, m in ((i, r.matches(doc)) for i, r in enumerate(rules)) if m]
    assert [(m.rule_id, m.hits) for m in matcher.match(doc)] == expected
    assert matcher.check_all(doc) == [i for i, _ in expected]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(rule_text, min_size=2, max_size=8), doc=document, data=st.data())
def test_matcher_after_removals_agrees_with_the_rules_left(texts, doc, data):
    rules = {i: _parse_or_skip(t) for i, t in enumerate(texts)}
    matcher = Matcher()
    for i, rule in rules.items():
        matcher.add(i, rule)
    for i in data.draw(st.sets(st.sampled_from(sorted(rules)))):
        matcher.remove(i)
        del rules[i]
    assert len(matcher) == len(rules)
    assert [m.rule_id for m in matcher.match(doc)] == [
        i for i, rule in sorted(rules.items()) if rule.matches(doc)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(rule_text, min_size=1, max_size=5),
       title=st.text(max_size=40), body=st.text(max_size=200), words=st.lists(_word()))
def test_agreement_on_arbitrary_unicode(texts, title, body, words):
    # Arbitrary characters (marks on their own, surrogates of other scripts, controls)
    # around vocabulary words, so that folding and offsets meet odd neighbours.
    doc = Document(title=title, body=body + " ".join(words) + body[:7])
    rules = [_parse_or_skip(t) for t in texts]
    matcher = Matcher()
    for i, rule in enumerate(rules):
        matcher.add(i, rule)
    expected = [(i, m.hits) for i, m in ((i, r.matches(doc)) for i, r in enumerate(rules)) if m]
    assert [(m.rule_id, m.hits) for m in matcher.match(doc)] == expected


@settings(max_examples=300, deadline=None)
@given(text=rule_text)
def test_canonical_form_parses_back_to_the_same_tree(text):
    rule = _parse_or_skip(text)
    assert parse_tree(str(rule.tree)) == rule.tree


@settings(max_examples=300, deadline=None)
@given(text=_text(20))
def test_word_offsets_point_at_the_original_text(text):
    tokens = tokenize(text)
    assert len(tokens.spans) == len(tokens.words)
    for word, (start, end) in zip(tokens.words, tokens.spans):
        assert fold(text[start:end]) == word


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_either_parses_or_gives_one_sentence_with_a_column(text):
    try:
        parse(text)
    except RuleError as error:
        assert "\n" not in str(error)
        assert str(error).endswith((".", "?", ")."))
        assert 1 <= error.column <= max(len(text), 1) + 1
        assert "column" in str(error)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_offsets_hold_for_arbitrary_unicode(text):
    tokens = tokenize(text)
    for start, end in tokens.spans:
        assert 0 <= start < end <= len(text)
