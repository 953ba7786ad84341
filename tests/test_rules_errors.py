"""Mistakes in rules: each row is a wrong rule, the column to blame and words the message
must contain. Every message is one sentence naming the column, with a way to fix it."""

import pytest

from rules import MAX_RULE_CHARS, MAX_TERMS, RuleError, parse

ERRORS = [
    # rule, column, the message must contain
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ('Modi "Sanae Takaichi', 6, "Unbalanced quote at column 6"),
    ('"Sanae', 1, 'add the closing "'),
    ('Modi ""', 6, "hold no words"),
    ('"!!!"', 1, "hold no words"),
    # exclusions and filters alone
    ("-Modi", 1, "a rule can't be only exclusions"),
    ("NOT Modi", 1, "NOT at column 1 needs something to exclude from"),
    ("-Modi -Shah", 1, "can't be only exclusions"),
    ("-Modi source:nikkei", 1, "can't be only exclusions"),
    ("lang:ja", 1, "only narrows a rule"),
    ("source:nikkei lang:ja", 1, "only narrows a rule"),
    ("Modi OR -Shah", 9, "Each side of the OR"),
    ("Modi OR source:nikkei", 9, "Each side of the OR"),
    ("(Modi OR -Shah) -Abe", 10, "Each side of the OR"),
    # prefixes
    ("in*", 3, "needs at least 3 letters before it"),
    ("ab* Modi", 3, "at least 3 letters"),
    ("COVID-1*", 8, "at least 3 letters"),
    ("inf*lation", 4, "can only end a word"),
    ("*", 1, "neither a word nor an operator"),
    ("高市*", 3, "isn't needed"),
    # operators missing a side
    ("+Modi", 1, "needs a term on each side"),
    ("Modi +", 6, "needs a term on each side"),
    ("Modi AND", 6, "AND at column 6 needs a term on each side"),
    ("OR Modi", 1, "OR at column 1 needs a term on each side"),
    ("Modi OR", 6, "OR at column 6"),
    ("Modi AND OR Shah", 6, "AND at column 6"),
    ("| Modi", 1, "needs a term on each side"),
    ("Modi NOT", 6, "needs a term to exclude"),
    ("NOT", 1, "needs a term to exclude"),
    ("Modi -", 6, "must touch what it excludes"),
    ("Modi - cricket", 6, "must touch what it excludes"),
    ("Modi --cricket", 7, "would cancel out"),
    ("Modi NOT -cricket", 10, "would cancel out"),
    ("Modi & Shah", 6, "use AND (or +)"),
    # parentheses
    ("()", 1, "Empty parentheses"),
    ("Modi ( )", 6, "Empty parentheses"),
    ("(Modi", 1, "never closed"),
    ("Modi (", 6, "never closed"),
    ("Modi ((Shah)", 6, "never closed"),
    ("Modi)", 5, "has no ( to close"),
    ("Modi ) Shah", 6, "has no ( to close"),
    ("(" * 11 + "Modi" + ")" * 11, 11, "more than 10 deep"),
    # NEAR
    ("NEAR/5 Modi", 1, "needs a term on each side"),
    ("Modi NEAR/5", 6, "needs a term on each side"),
    ("Modi NEAR Shah", 6, "needs a distance in words"),
    ("Modi NEAR/x Shah", 6, "needs a distance"),
    ("Modi NEAR/0 Shah", 6, "from 1 to 50"),
    ("Modi NEAR/51 Shah", 6, "from 1 to 50"),
    ("Modi NEAR/5 -Shah", 6, "each side must be a word"),
    ("Modi NEAR/5 (Shah Abe)", 6, "each side must be a word"),
    ("Modi NEAR/5 source:nikkei", 6, "each side must be a word"),
    ("Modi NEAR/5 Shah NEAR/5 Abe", 18, "follows another NEAR"),
    # fields and filters
    ("titel:Modi", 1, "did you mean title:?"),
    ("sorce:nikkei Modi", 1, "did you mean source:?"),
    ("foo:bar", 1, "Unknown field foo:"),
    ("https://example.com", 1, 'put it in quotes'),
    ("title: Modi", 1, "right after it"),
    ("Modi title:", 6, "right after it"),
    ("title:-Modi", 7, "write -title:cricket"),
    ("title:(body:Modi)", 1, "could never match"),
    ("title:(source:nikkei Modi)", 8, "can't be limited to the title"),
    ("Modi source:", 6, "needs a value"),
    ("Modi source:a/b", 6, "not a valid source name"),
    ("Modi lang:", 6, "needs a value"),
    # aliases
    ("@", 1, "needs an alias name"),
    ("Modi @ Shah", 6, "needs an alias name"),
    ("Modi @nope", 6, "Unknown alias @nope"),
]


@pytest.mark.parametrize("text,column,fragment", ERRORS)
def test_wrong_rule_names_the_column_and_a_fix(text, column, fragment):
    with pytest.raises(RuleError) as caught:
        parse(text)
    error = caught.value
    assert error.column == column
    assert fragment in str(error)
    assert f"column {column}" in str(error)


@pytest.mark.parametrize("text,column,fragment", ERRORS)
def test_error_is_one_sentence_and_a_value_error(text, column, fragment):
    with pytest.raises(ValueError) as caught:
        parse(text)
    message = str(caught.value)
    assert message == caught.value.message
    assert "\n" not in message and "Traceback" not in message
    assert message.endswith((".", "?"))
    assert message.count(". ") == 0            # one sentence


def test_not_alone_is_refused_with_the_issue_wording():
    with pytest.raises(RuleError, match="needs something to exclude from: a rule can't be "
                                        "only exclusions"):
        parse("NOT cricket")


def test_rule_longer_than_the_limit():
    with pytest.raises(RuleError) as caught:
        parse("Modi " * (MAX_RULE_CHARS // 5 + 1))
    assert caught.value.column == MAX_RULE_CHARS + 1
    assert f"limit of {MAX_RULE_CHARS}" in str(caught.value)


def test_rule_at_the_length_limit_parses():
    text = "Takaichi" + " " * (MAX_RULE_CHARS - 12) + "Modi"
    assert len(text) == MAX_RULE_CHARS
    assert str(parse(text)) == "(takaichi AND modi)"


def test_too_many_terms():
    parse(" OR ".join(f"name{i}" for i in range(MAX_TERMS)))
    too_many = " OR ".join(f"name{i}" for i in range(MAX_TERMS + 1))
    with pytest.raises(RuleError, match=f"limit of {MAX_TERMS} terms at column") as caught:
        parse(too_many)
    assert caught.value.column == too_many.index(f"name{MAX_TERMS}") + 1


def test_too_many_terms_counts_what_aliases_bring():
    aliases = {"many": " OR ".join(f"name{i}" for i in range(30))}
    parse("@many", aliases=aliases)
    with pytest.raises(RuleError, match="counting those in its aliases") as caught:
        parse("@many + (Modi OR @many)", aliases=aliases)
    assert caught.value.column == 18                 # the alias use that went over


@pytest.mark.parametrize("text", ["x " + "-" * 497 + "y", "x " + "NOT " * 120 + "y",
                                  "(" * 10 + "x" + ")" * 10 + " -y" * 50])
def test_pathological_rules_give_an_error_not_a_crash(text):
    with pytest.raises(RuleError):
        parse(text)
