"""Aliases: `@takaichi = Takaichi OR "Sanae Takaichi" OR 高市 OR ताकाइची`, used as @takaichi."""

import pytest

from rules import Document, RuleError, parse, parse_alias

TAKAICHI = 'Takaichi OR "Sanae Takaichi" OR 高市 OR ताकाइची'


EXPANSIONS = [
    # rule, aliases, canonical tree
    ("@takaichi", {"takaichi": TAKAICHI},
     '(takaichi OR "sanae takaichi" OR "高 市" OR ताकाइची)'),
    ("@takaichi + Modi", {"takaichi": TAKAICHI},
     '((takaichi OR "sanae takaichi" OR "高 市" OR ताकाइची) AND modi)'),
    ("@Takaichi", {"takaichi": TAKAICHI},
     '(takaichi OR "sanae takaichi" OR "高 市" OR ताकाइची)'),
    ("@takaichi", {"@takaichi": "Takaichi"}, "takaichi"),       # names given with their @
    ("@pm + Tokyo", {"pm": "@takaichi OR Ishiba", "takaichi": "Takaichi OR 高市"},
     '(takaichi OR "高 市" OR ishiba) AND tokyo'),
    ("title:@takaichi", {"takaichi": "Takaichi OR 高市"},
     '(title:takaichi OR title:"高 市")'),
    ("Modi -@noise", {"noise": "cricket OR IPL"}, "(modi AND NOT (cricket OR ipl))"),
    ("Modi @noise", {"noise": "-cricket -IPL"}, "(modi AND NOT cricket AND NOT ipl)"),
    ("@takaichi NEAR/3 Modi", {"takaichi": "Takaichi OR 高市"},
     '((takaichi OR "高 市") NEAR/3 modi)'),
    ("@sanae-takaichi", {"sanae-takaichi": '"Sanae Takaichi"'}, '"sanae takaichi"'),
    ("@高市", {"高市": "Takaichi"}, "takaichi"),
]


@pytest.mark.parametrize("text,aliases,canonical", EXPANSIONS)
def test_alias_expands_in_place(text, aliases, canonical):
    assert str(parse(text, aliases=aliases)).strip("()") == canonical.strip("()")


def test_alias_matches_every_spelling():
    rule = parse("@takaichi + Modi", aliases={"takaichi": TAKAICHI})
    for title in ["Modi and Takaichi", "Modi and Sanae Takaichi", "Modi 高市首相と会談",
                  "Modi और ताकाइची"]:
        assert rule.matches(Document(title=title, body="")), title
    assert not rule.matches(Document(title="Modi and Abe", body=""))


def test_hits_name_the_spelling_found():
    rule = parse("@takaichi", aliases={"takaichi": TAKAICHI})
    match = rule.matches(Document(title="高市首相", body=""))
    assert [(h.term, h.start, h.end) for h in match.hits] == [("高市", 0, 2)]


ALIAS_ERRORS = [
    # rule, aliases, column, message fragment
    ("Modi @nope", {}, 6, "Unknown alias @nope at column 6; define it first"),
    ("Modi @takaichii", {"takaichi": "x"}, 6, "did you mean @takaichi?"),
    ("Modi @broken", {"broken": '"Sanae'}, 6, "Unbalanced quote at column 1 of @broken"),
    ("Modi @broken", {"broken": "Takaichi OR"}, 6, "OR at column 10 of @broken"),
    ("@a", {"a": "@b Modi", "b": "@a"}, 1, "uses itself (@a -> @b -> @a)"),
    ("@a", {"a": "Modi OR @a"}, 1, "uses itself"),
    ("@noise", {"noise": "-cricket"}, 1, "can't be only exclusions"),
    ("@src", {"src": "source:nikkei"}, 1, "only narrows a rule"),
    ("@a1", {f"a{i}": f"@a{i + 1}" for i in range(1, 8)} | {"a8": "Modi"}, 1,
     "nested more than 5 aliases deep"),
]


@pytest.mark.parametrize("text,aliases,column,fragment", ALIAS_ERRORS)
def test_alias_errors_point_at_the_use_and_into_the_definition(text, aliases, column, fragment):
    with pytest.raises(RuleError) as caught:
        parse(text, aliases=aliases)
    assert caught.value.column == column
    assert fragment in str(caught.value)


DEFINITIONS = [
    ("@takaichi = " + TAKAICHI, ("takaichi", TAKAICHI)),
    ("@Takaichi=Takaichi", ("takaichi", "Takaichi")),
    ("  @pm =  Modi OR Takaichi  ", ("pm", "Modi OR Takaichi")),
    ("@noise = -cricket -IPL", ("noise", "-cricket -IPL")),       # exclusions are fine in aliases
    ("@pm = @takaichi OR Modi", ("pm", "@takaichi OR Modi")),
]


@pytest.mark.parametrize("definition,expected", DEFINITIONS)
def test_parse_alias_definition(definition, expected):
    assert parse_alias(definition, aliases={"takaichi": "Takaichi"}) == expected


BAD_DEFINITIONS = [
    ("takaichi = Takaichi", 1, "@name = terms"),
    ("@takaichi Takaichi", 1, "@name = terms"),
    ("@ = Takaichi", 1, "not a valid alias name"),
    ("@a b = Takaichi", 1, "not a valid alias name"),
    ('@t = "Sanae', 6, "Unbalanced quote at column 6"),
    ("@t = Takaichi OR", 15, "OR at column 15"),
    ("@t = @t OR Modi", 6, "uses itself"),
    ("@t = @nope", 6, "Unknown alias @nope"),
]


@pytest.mark.parametrize("definition,column,fragment", BAD_DEFINITIONS)
def test_bad_alias_definition(definition, column, fragment):
    with pytest.raises(RuleError) as caught:
        parse_alias(definition)
    assert caught.value.column == column
    assert fragment in str(caught.value)
