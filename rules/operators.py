"""The operator table of the watchlist language, its limits, and the help text made from them.

The lexer reads its keywords, symbols, fields and filters from `OPERATORS`, and
`help_text()` prints the same table, so what `/help rules` says is what the parser does.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

__all__ = [
    "MAX_ALIAS_DEPTH", "MAX_DEPTH", "MAX_NEAR", "MAX_RULE_CHARS", "MAX_TERMS",
    "MIN_PREFIX", "OPERATORS", "Operator", "help_text",
]

MAX_RULE_CHARS = 500      # a rule longer than this is better split, or written with aliases
MAX_TERMS = 50            # words, phrases and prefixes, after aliases are expanded
MAX_DEPTH = 10            # nested parentheses (and aliases used inside aliases)
MAX_ALIAS_DEPTH = 5       # aliases used inside aliases
MAX_NEAR = 50             # largest n in NEAR/n
MIN_PREFIX = 3            # letters before a `*`


@dataclass(frozen=True, slots=True)
class Operator:
    """One construct of the language.

    `kind` is what the parser does with it; `spellings` are how it is written (the
    parser recognises exactly these); `example` parses as a rule; `meaning` is for people.
    """

    kind: str
    spellings: tuple[str, ...]
    example: str
    meaning: str


OPERATORS: tuple[Operator, ...] = (
    Operator("and", ("AND", "+", " "), "Modi + Takaichi",
             "every term must appear; a plain space means the same"),
    Operator("or", ("OR", "|"), "Modi OR Takaichi",
             "at least one of the terms must appear"),
    Operator("not", ("NOT", "-"), "Takaichi -baseball",
             "the article must not contain it, in the title or the body; "
             "a rule needs at least one term to look for"),
    Operator("group", ("(", ")"), "(Modi OR Shah) + Takaichi",
             "groups terms; without parentheses NOT binds tightest, then AND, then OR"),
    Operator("phrase", ('"',), '"Sanae Takaichi"',
             "these words next to each other, in this order"),
    Operator("prefix", ("*",), "semicond*",
             f"any word starting with it (at least {MIN_PREFIX} letters before the *)"),
    Operator("near", ("NEAR/n",), "Modi NEAR/5 Takaichi",
             f"both terms in the same title or body, at most n words apart, in either "
             f"order (n up to {MAX_NEAR})"),
    Operator("scope", ("title:",), "title:Takaichi",
             "only in the headline; works on words, phrases and (groups)"),
    Operator("scope", ("body:",), 'body:"rate cut"',
             "only in the article text"),
    Operator("filter", ("source:",), "Takaichi source:business-standard",
             "only articles from this source"),
    Operator("filter", ("lang:",), "高市 lang:ja",
             "only articles in this language (en, hi, ja, ...)"),
    Operator("alias", ("@name",), "@takaichi + Modi",
             "a saved list of terms, defined as @takaichi = Takaichi OR \"Sanae Takaichi\" OR 高市"),
)


def help_text() -> str:
    """Explain the watchlist language with examples, from `OPERATORS` and the limits."""
    lines = ["Watchlist rules", ""]
    spelled = [", ".join("space" if s == " " else s for s in op.spellings) for op in OPERATORS]
    width = max(map(len, spelled))
    indent = " " * (width + 4)
    for op, spelling in zip(OPERATORS, spelled):
        lines += textwrap.wrap(op.meaning, 88, initial_indent=f"  {spelling:<{width}}  ",
                               subsequent_indent=indent, break_on_hyphens=False)
        lines.append(f"{indent}e.g. {op.example}")
    lines += [
        "",
        "Operators are written in capitals: lowercase and, or, not, near are ordinary words.",
        "Matching ignores case and accents on Latin letters (Erdoğan = Erdogan), and finds",
        "whole words only: Modi matches Modi's but not Modine or modified. Hindi words",
        "match whole (मोदी is not found in मदद); Japanese terms match as character",
        "sequences (高市 is found in 高市首相は). Only the headline and the article text are",
        "searched, never sidebars or menus.",
        "",
        f"Limits: {MAX_RULE_CHARS} characters and {MAX_TERMS} terms per rule (aliases "
        f"included), {MAX_DEPTH} levels of parentheses.",
    ]
    return "\n".join(lines)
