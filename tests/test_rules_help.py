"""The operator table is the single source of the language's help and of its parser."""

import pytest

from rules import MAX_NEAR, MAX_RULE_CHARS, MAX_TERMS, OPERATORS, help_text, parse
from rules.parser import _FILTERS, _KEYWORDS, _NEAR, _SCOPES, _SYMBOLS

ALIASES = {"takaichi": 'Takaichi OR "Sanae Takaichi" OR 高市'}


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.spellings[0])
def test_every_example_in_the_table_parses(op):
    parse(op.example, aliases=ALIASES)


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.spellings[0])
def test_help_shows_every_operator_its_meaning_and_example(op):
    text = help_text()
    for spelling in op.spellings:
        assert ("space" if spelling == " " else spelling) in text
    assert op.example in text
    assert op.meaning.split(";")[0] in " ".join(text.split())


def test_parser_reads_its_keywords_and_fields_from_the_table():
    spellings = {s for op in OPERATORS for s in op.spellings}
    assert set(_KEYWORDS) == {"AND", "OR", "NOT"} <= spellings
    assert set(_SYMBOLS) == {"+", "|", "-"} <= spellings
    assert {f"{s}:" for s in _SCOPES | _FILTERS} == {"title:", "body:", "source:", "lang:"}
    assert f"{_NEAR}/n" in spellings


def test_help_states_the_limits_and_matching_rules():
    text = help_text()
    assert f"{MAX_RULE_CHARS} characters" in text and f"{MAX_TERMS} terms" in text
    assert f"n up to {MAX_NEAR}" in text
    for promise in ("Modi's", "Modine", "Erdoğan = Erdogan", "मोदी", "高市首相は", "capitals"):
        assert promise in text


def test_help_lines_fit_a_phone_or_a_terminal():
    assert max(map(len, help_text().splitlines())) <= 90
