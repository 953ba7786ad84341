"""Reading a rule the way a person wrote it: lexer, recursive-descent parser, aliases.

Grammar, loosest binding first (keywords and symbols come from `OPERATORS`):

    rule         = alternatives ;
    alternatives = conjunction { ("OR" | "|") conjunction } ;
    conjunction  = unary { ["AND" | "+"] unary } ;    a plain space is AND
    unary        = [ "NOT" | "-" ] near ;
    near         = primary [ "NEAR/n" primary ] ;
    primary      = "(" alternatives ")" | ("title:" | "body:") primary | "source:v" | "lang:v"
                 | '"phrase"' | word | word* | @alias ;

Every mistake raises `RuleError` with one sentence: what, where, and what to write.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import regex

from .errors import RuleError
from .operators import (
    MAX_ALIAS_DEPTH, MAX_DEPTH, MAX_NEAR, MAX_RULE_CHARS, MAX_TERMS, MIN_PREFIX, OPERATORS,
)
from .text import is_cjk, words
from .tree import And, Filter, Near, Node, Not, Or, Words

__all__ = ["ALIAS_NAME_RE", "parse_alias", "parse_tree", "positive"]

# --- tables derived from OPERATORS -------------------------------------------------

_KEYWORDS = {s: op.kind for op in OPERATORS for s in op.spellings if s.isalpha() and s.isupper()}
_SYMBOLS = {s: op.kind for op in OPERATORS for s in op.spellings
            if len(s) == 1 and s in "+|-"}
_SCOPES = {s[:-1] for op in OPERATORS if op.kind == "scope" for s in op.spellings}
_FILTERS = {s[:-1] for op in OPERATORS if op.kind == "filter" for s in op.spellings}
_NEAR = next(op.spellings[0].split("/")[0] for op in OPERATORS if op.kind == "near")
_EXAMPLES: dict[str, str] = {}
for _op in OPERATORS:
    _EXAMPLES.setdefault(_op.kind, _op.example)
_FIELD_LIST = ", ".join(f"{s}:" for s in sorted(_SCOPES) + sorted(_FILTERS))

# Phones turn " into “ ”, and - into a dash; full-width forms come from Japanese input.
_QUOTES = frozenset('"“”„‟«»＂')
_DASHES = {"−": "-", "–": "-", "－": "-"}
_PUNCT = frozenset("()+|")  # characters that end a word ("-" does not: COVID-19)

ALIAS_NAME_RE = regex.compile(r"[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?")
_FILTER_VALUE_RE = regex.compile(r"[\p{L}\p{N}._-]+")
_NEAR_RE = regex.compile(rf"{_NEAR}(?:/(\d+))?")
_FIELD_NAME_RE = regex.compile(r"\p{L}+")


def _canon(ch: str) -> str:
    """The character an operator check should see (full-width ＋ is +, “ is ")."""
    if ch.isascii():
        return ch
    if ch in _QUOTES:
        return '"'
    if ch in _DASHES:
        return "-"
    return unicodedata.normalize("NFKC", ch)


@dataclass(slots=True)
class _Lexeme:
    kind: str          # word phrase lparen rparen and or not near scope filter alias eof
    value: object
    column: int        # 1-based
    end: int           # 1-based column just after it
    prefix: bool = False
    spelled: str = ""


class _TooManyTerms(RuleError):
    """Passed through alias errors unchanged: the limit is about the whole rule."""


def _lex(text: str, err) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        c = _canon(ch)
        col = i + 1
        if c == '"':
            j = next((k for k in range(i + 1, n) if _canon(text[k]) == '"'), -1)
            if j < 0:
                raise err(f'Unbalanced quote {{at}}: add the closing " after the phrase, '
                          f'as in {_EXAMPLES["phrase"]}.', col)
            out.append(_Lexeme("phrase", text[i + 1:j], col, j + 2, spelled=text[i:j + 1]))
            i = j + 1
            continue
        if c in "()":
            out.append(_Lexeme("lparen" if c == "(" else "rparen", c, col, col + 1, spelled=ch))
            i += 1
            continue
        if c in _SYMBOLS and _SYMBOLS[c] in ("and", "or"):
            out.append(_Lexeme(_SYMBOLS[c], c, col, col + 1, spelled=ch))
            i += 1
            continue
        if c == "-":
            nxt = text[i + 1] if i + 1 < n else ""
            if not nxt or nxt.isspace() or _canon(nxt) in "+|)":
                raise err(f"The - {{at}} must touch what it excludes, as in "
                          f"{_EXAMPLES['not']}.", col)
            out.append(_Lexeme("not", "-", col, col + 1, spelled=ch))
            i += 1
            continue
        if c == "@":
            m = ALIAS_NAME_RE.match(text, i + 1)
            if not m:
                raise err(f"The @ {{at}} needs an alias name right after it, as in "
                          f"{_EXAMPLES['alias']}.", col)
            out.append(_Lexeme("alias", m.group(), col, m.end() + 1, spelled="@" + m.group()))
            i = m.end()
            continue
        j = i
        while j < n and not text[j].isspace() and _canon(text[j]) not in _PUNCT \
                and _canon(text[j]) != '"':
            j += 1
        # A "-" inside a word (COVID-19) is part of it; only a leading one excludes.
        i = _lex_word(text, i, j, out, err)
    out.append(_Lexeme("eof", None, n + 1, n + 1))
    return out


def _lex_word(text: str, i: int, j: int, out: list[_Lexeme], err) -> int:
    """Classify text[i:j]: keyword, NEAR/n, field, filter, prefix or plain word.

    Returns where lexing continues (after `title:` it continues inside the same word).
    """
    word = text[i:j]
    canon = unicodedata.normalize("NFKC", word)
    col = i + 1
    if canon in _KEYWORDS:
        out.append(_Lexeme(_KEYWORDS[canon], canon, col, j + 1, spelled=word))
        return j
    near = _NEAR_RE.fullmatch(canon)
    if near or canon.startswith(_NEAR + "/"):
        if not near or near.group(1) is None:
            raise err(f"{word} {{at}} needs a distance in words, as in {_EXAMPLES['near']}.", col)
        distance = int(near.group(1))
        if not 1 <= distance <= MAX_NEAR:
            raise err(f"{word} {{at}} asks for a distance of {distance} words; use a "
                      f"number from 1 to {MAX_NEAR}.", col)
        out.append(_Lexeme("near", distance, col, j + 1, spelled=word))
        return j
    name, colon, rest = canon.partition(":")
    if colon and _FIELD_NAME_RE.fullmatch(name):
        lname = name.lower()
        if lname in _SCOPES:
            out.append(_Lexeme("scope", lname, col, col + len(name) + 1, spelled=f"{lname}:"))
            return i + len(name) + 1
        if lname in _FILTERS:
            example = next(op.example for op in OPERATORS if f"{lname}:" in op.spellings)
            if not rest:
                raise err(f"{lname}: {{at}} needs a value right after it, as in {example}.", col)
            if not _FILTER_VALUE_RE.fullmatch(rest):
                raise err(f"{lname}:{rest} {{at}} is not a valid {lname} name: use letters, "
                          f"digits, dots and dashes, as in {example}.", col)
            out.append(_Lexeme("filter", (lname, rest.casefold()), col, j + 1, spelled=word))
            return j
        guess = difflib.get_close_matches(lname, sorted(_SCOPES | _FILTERS), n=1, cutoff=0.6)
        hint = f"did you mean {guess[0]}:?" if guess else f"the fields are {_FIELD_LIST}"
        raise err(f"Unknown field {name}: {{at}}; {hint} (to search for the text itself, "
                  f'put it in quotes: "{word}").', col)
    star = word.find("*")
    if star >= 0 and star != len(word) - 1:
        raise err(f"The * {{at}} can only end a word, as in {_EXAMPLES['prefix']}.", i + star + 1)
    prefix = star >= 0
    stem = word[:-1] if prefix else word
    out.append(_Lexeme("word", stem, col, j + 1, prefix=prefix, spelled=word))
    return j


def positive(node: Node) -> bool:
    """Can this node only be true when some term of it is in the article?

    The matcher needs such a term (an anchor) to find the rule; a rule made only of
    exclusions or filters would have to be checked against every article.
    """
    if isinstance(node, (Words, Near)):
        return True
    if isinstance(node, And):
        return any(positive(c) for c in node.children)
    if isinstance(node, Or):
        return all(positive(c) for c in node.children)
    return False


class _Parser:
    def __init__(self, text: str, aliases: Mapping[str, str], label: str | None = None,
                 outer_column: int | None = None, stack: tuple[str, ...] = (),
                 counter: list[int] | None = None):
        self.text = text
        self.aliases = aliases
        self.label = label
        self.outer_column = outer_column
        self.stack = stack
        self.counter = counter if counter is not None else [0]
        self.depth = 0
        self.lexemes = _lex(text, self.error)
        self.pos = 0

    # --- helpers ---------------------------------------------------------------------

    def error(self, template: str, column: int) -> RuleError:
        at = f"at column {column}" + (f" of @{self.label}" if self.label else "")
        return RuleError(template.replace("{at}", at), self.outer_column or column)

    def peek(self) -> _Lexeme:
        return self.lexemes[self.pos]

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.pos]
        self.pos += 1
        return lexeme

    def count_term(self, column: int) -> None:
        self.counter[0] += 1
        if self.counter[0] > MAX_TERMS:
            column = self.outer_column or column
            raise _TooManyTerms(
                f"The rule goes over the limit of {MAX_TERMS} terms at column {column} "
                f"(counting those in its aliases); split it into several rules.", column)

    # --- grammar ---------------------------------------------------------------------

    def parse(self) -> Node:
        if not self.text.strip():
            raise self.error(f"The rule is empty {{at}}; write at least one term to look "
                             f"for, as in {_EXAMPLES['and']}.", 1)
        node = self.alternatives()
        end = self.peek()
        if end.kind == "rparen":
            raise self.error("The ) {at} has no ( to close; remove it or add the ( it "
                             "belongs to.", end.column)
        assert end.kind == "eof", end
        return node

    def alternatives(self) -> Node:
        children = [self.conjunction()]
        while self.peek().kind == "or":
            op = self.take()
            self.expect_operand_after(op)
            children.append(self.conjunction())
        return _join(Or, children, children[0])

    def conjunction(self) -> Node:
        children = [self.unary()]
        while True:
            kind = self.peek().kind
            if kind == "and":
                op = self.take()
                self.expect_operand_after(op)
            elif kind not in _STARTS_OPERAND:
                break
            children.append(self.unary())
        return _join(And, children, children[0])

    def unary(self) -> Node:
        lexeme = self.peek()
        if lexeme.kind != "not":
            return self.near()
        self.take()
        nxt = self.peek()
        if nxt.kind == "not":
            # "--cricket" is more likely a slip than a wish to require cricket.
            raise self.error(f"{nxt.spelled} {{at}} follows another exclusion and the two "
                             f"would cancel out; keep one, as in {_EXAMPLES['not']}.",
                             nxt.column)
        if nxt.kind not in _STARTS_OPERAND:
            raise self.error(f"{lexeme.spelled} {{at}} needs a term to exclude, as in "
                             f"{_EXAMPLES['not']}.", lexeme.column)
        return Not(self.near(), column=lexeme.column)

    def near(self) -> Node:
        left = self.primary()
        if self.peek().kind != "near":
            return left
        op = self.take()
        self.expect_operand_after(op)
        if self.peek().kind == "not":
            right = None
        else:
            right = self.primary()
        for side in (left, right):
            if not _is_span(side):
                raise self.error(f"{op.spelled} {{at}} measures the distance between words, "
                                 f"so each side must be a word, a phrase, a prefix or such "
                                 f"terms joined by OR, as in {_EXAMPLES['near']}.", op.column)
        if self.peek().kind == "near":
            nxt = self.peek()
            raise self.error(f"{nxt.spelled} {{at}} follows another NEAR; join the pairs "
                             f"with AND instead, as in (Modi NEAR/5 Takaichi) AND "
                             f"(Takaichi NEAR/5 Tokyo).", nxt.column)
        return Near(left, right, op.value, column=op.column)

    def primary(self) -> Node:
        lexeme = self.peek()
        kind = lexeme.kind
        if kind == "lparen":
            return self.group()
        if kind == "scope":
            return self.scoped()
        if kind == "word":
            self.take()
            return self.words(lexeme.value, lexeme.prefix, lexeme.column, lexeme.spelled)
        if kind == "phrase":
            self.take()
            inner = lexeme.value.strip()
            prefix = inner.endswith("*")
            return self.words(inner[:-1] if prefix else inner, prefix, lexeme.column,
                              lexeme.spelled, phrase=True)
        if kind == "filter":
            self.take()
            name, value = lexeme.value
            return Filter(name, value, column=lexeme.column)
        if kind == "alias":
            self.take()
            return self.alias(lexeme)
        if kind in ("and", "or", "near"):
            example = _EXAMPLES[kind]
            raise self.error(f"{lexeme.spelled} {{at}} needs a term on each side, as in "
                             f"{example}.", lexeme.column)
        if kind == "rparen":
            raise self.error("The ) {at} has no ( to close; remove it or add the ( it "
                             "belongs to.", lexeme.column)
        if kind == "not":
            # Only reachable right after a field scope or NEAR (see scoped / near).
            raise self.error(f"Put the exclusion before the field {{at}}: write "
                             f"-title:cricket, not title:-cricket.", lexeme.column)
        raise self.error("The rule ends too early {at}; finish it with a term to look for.",
                         lexeme.column)

    def expect_operand_after(self, op: _Lexeme) -> None:
        if self.peek().kind not in _STARTS_OPERAND:
            raise self.error(f"{op.spelled.strip() or op.value} {{at}} needs a term on each "
                             f"side, as in {_EXAMPLES[op.kind]}.", op.column)

    def group(self) -> Node:
        opening = self.take()
        if self.peek().kind == "eof":
            raise self.error("The parenthesis opened {at} is never closed; add a ) at the "
                             "end of the group.", opening.column)
        if self.peek().kind == "rparen":
            raise self.error("Empty parentheses {at}; put terms inside them or remove them.",
                             opening.column)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"The parenthesis {{at}} nests groups more than {MAX_DEPTH} "
                             f"deep, the limit; simplify the rule.", opening.column)
        node = self.alternatives()
        self.depth -= 1
        if self.peek().kind != "rparen":
            raise self.error("The parenthesis opened {at} is never closed; add a ) at the "
                             "end of the group.", opening.column)
        self.take()
        return node

    def scoped(self) -> Node:
        scope = self.take()
        nxt = self.peek()
        if nxt.kind == "not":
            raise self.error(f"Put the exclusion before the field {{at}}: write "
                             f"-{scope.value}:cricket, not {scope.value}:-cricket.", nxt.column)
        if nxt.column != scope.end or nxt.kind not in ("word", "phrase", "lparen", "alias"):
            raise self.error(f"{scope.value}: {{at}} needs a word, a \"phrase\", a (group) or "
                             f"an @alias right after it, as in {_EXAMPLES['scope']}.",
                             scope.column)
        return self.scope(self.primary(), scope.value, scope.column)

    def scope(self, node: Node, name: str, column: int) -> Node:
        if isinstance(node, Words):
            if node.field and node.field != name:
                raise self.error(f"{node.field}: at column {node.column} is inside {name}: "
                                 f"{{at}}, so it could never match; keep only one of them.",
                                 column)
            return Words(node.words, node.prefix, name, node.text, node.column)
        if isinstance(node, Filter):
            raise self.error(f"{node.name}: {{at}} can't be limited to the {name}; move it "
                             f"out of the {name}: group.", node.column)
        if isinstance(node, Near):
            return Near(self.scope(node.left, name, column), self.scope(node.right, name, column),
                        node.distance, node.column)
        if isinstance(node, Not):
            return Not(self.scope(node.child, name, column), node.column)
        return type(node)(tuple(self.scope(c, name, column) for c in node.children), node.column)

    def words(self, text: str, prefix: bool, column: int, spelled: str,
              phrase: bool = False) -> Words:
        found = words(text)
        if not found:
            if phrase:
                raise self.error(f"The quotes {{at}} hold no words to look for; put a phrase "
                                 f"between them, as in {_EXAMPLES['phrase']}.", column)
            raise self.error(f"{spelled} {{at}} is neither a word nor an operator; use AND "
                             f"(or +) to need both sides, OR (or |) for either.", column)
        if prefix:
            star_column = column + len(spelled) - (2 if phrase else 1)
            if is_cjk(found[-1]):
                raise self.error("The * {at} isn't needed: Japanese and Chinese characters "
                                 "already match inside longer words, so drop it.", star_column)
            if len(found[-1]) < MIN_PREFIX:
                raise self.error(f"The * {{at}} needs at least {MIN_PREFIX} letters before it, "
                                 f"as in {_EXAMPLES['prefix']}.", star_column)
        self.count_term(column)
        shown = spelled[1:-1].strip() if phrase else spelled
        return Words(tuple(found), prefix, None, shown, column)

    def alias(self, lexeme: _Lexeme) -> Node:
        name = lexeme.value.casefold()
        if name in self.stack or name == self.label:
            chain = " -> ".join(f"@{n}" for n in (*self.stack, name))
            raise self.error(f"Alias @{name} {{at}} uses itself ({chain}), which would never "
                             f"end; remove the loop.", lexeme.column)
        if name not in self.aliases:
            guess = difflib.get_close_matches(name, sorted(self.aliases), n=1, cutoff=0.6)
            hint = (f"did you mean @{guess[0]}?" if guess else
                    f"define it first, as in @{name} = Takaichi OR \"Sanae Takaichi\".")
            raise self.error(f"Unknown alias @{name} {{at}}; {hint}", lexeme.column)
        if len(self.stack) + 1 > MAX_ALIAS_DEPTH:
            raise self.error(f"Alias @{name} {{at}} is nested more than {MAX_ALIAS_DEPTH} "
                             f"aliases deep, the limit; write some of it out.", lexeme.column)
        inner = _Parser(self.aliases[name], self.aliases, label=name,
                        outer_column=self.outer_column or lexeme.column,
                        stack=(*self.stack, name), counter=self.counter)
        return inner.parse()


_STARTS_OPERAND = frozenset({"word", "phrase", "lparen", "not", "scope", "filter", "alias"})


def _join(cls, children: list[Node], first: Node) -> Node:
    if len(children) == 1:
        return first
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, cls) else (child,))
    return cls(tuple(flat), column=getattr(first, "column", 1))


def _is_span(node: Node) -> bool:
    if isinstance(node, Words):
        return True
    return isinstance(node, Or) and all(_is_span(c) for c in node.children)


def _normalise_aliases(aliases: Mapping[str, str] | None) -> dict[str, str]:
    return {name.lstrip("@").casefold(): text for name, text in (aliases or {}).items()}


def parse_tree(text: str, aliases: Mapping[str, str] | None = None) -> Node:
    """Parse a rule into its tree, or raise RuleError with one clear sentence."""
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(f"The rule is {len(text)} characters long, more than the limit of "
                        f"{MAX_RULE_CHARS} at column {MAX_RULE_CHARS + 1}; split it into "
                        f"several rules or move lists of names into an @alias.",
                        MAX_RULE_CHARS + 1)
    parser = _Parser(text, _normalise_aliases(aliases))
    tree = parser.parse()
    if not positive(tree):
        raise _no_positive_term_error(tree, text)
    return tree


def _no_positive_term_error(tree: Node, text: str) -> RuleError:
    """Explain why a rule has nothing to look for, pointing at the part to blame."""
    parts = tree.children if isinstance(tree, And) else (tree,)
    for part in parts:
        if isinstance(part, Or):
            bad = next(c for c in part.children if not positive(c))
            return RuleError(
                f"Each side of the OR at column {part.column} needs a term to look for, but "
                f"{bad} at column {bad.column} only excludes or filters, so the rule would "
                f"match almost every article; join it with AND instead.", bad.column)
    first = parts[0]
    if all(isinstance(p, Filter) for p in parts):
        example = next(op.example for op in OPERATORS if f"{first.name}:" in op.spellings)
        return RuleError(
            f"{first.name}: at column {first.column} only narrows a rule; add a term to look "
            f"for, as in {example}.", first.column)
    column = next(p.column for p in parts if isinstance(p, Not))
    spelled = "The -" if _canon(text[column - 1]) == "-" else "NOT"
    return RuleError(
        f"{spelled} at column {column} needs something to exclude from: a rule can't be only "
        f"exclusions, so add a term to look for, as in {_EXAMPLES['not']}.", column)


def parse_alias(definition: str, aliases: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Read `@name = terms` and return (name, terms), checking that the terms parse.

    The name comes back without its @, in lowercase. An alias may be only exclusions
    (`@noise = -cricket -IPL`): it is the rule using it that needs a term to look for.
    """
    name_part, eq, rest = definition.partition("=")
    name_part = name_part.strip()
    if not eq or not name_part.startswith("@"):
        raise RuleError('An alias is written @name = terms, as in @takaichi = Takaichi OR '
                        '"Sanae Takaichi" OR 高市.', 1)
    name = name_part[1:]
    if not ALIAS_NAME_RE.fullmatch(name):
        raise RuleError(f"@{name} at column 1 is not a valid alias name; use letters, digits, "
                        f"_ and -, as in @takaichi.", 1)
    body = rest.strip()
    # Columns in errors count from the start of the whole definition, as it was typed.
    offset = len(definition) - len(rest.lstrip())
    if len(body) > MAX_RULE_CHARS:
        raise RuleError(f"The alias is {len(body)} characters long, more than the limit of "
                        f"{MAX_RULE_CHARS} at column {offset + MAX_RULE_CHARS + 1}; split it "
                        f"into several aliases.", offset + MAX_RULE_CHARS + 1)
    known = _normalise_aliases(aliases)
    known[name.casefold()] = body
    try:
        _Parser(body, known, stack=(name.casefold(),)).parse()
    except _TooManyTerms:
        raise
    except RuleError as error:
        shifted = error.column + offset
        message = error.message.replace(f"at column {error.column}", f"at column {shifted}", 1)
        raise RuleError(message, shifted) from None
    return name.casefold(), body
