"""The rule tree the parser builds and both evaluators walk.

Positive leaves are all `Words`: one word, a phrase, or a prefix (`infla*`), each
optionally limited to the title or the body. `str(node)` prints a canonical form
(folded words, explicit operators, full parentheses), handy in tests and debugging.
"""

from __future__ import annotations

from dataclasses import dataclass, field as _field

__all__ = ["And", "Filter", "Near", "Node", "Not", "Or", "Words", "FIELDS"]

FIELDS = ("title", "body")


@dataclass(frozen=True, slots=True)
class Words:
    """Consecutive folded words; the last one is a prefix when `prefix` is set."""

    words: tuple[str, ...]
    prefix: bool = False
    field: str | None = None          # "title", "body" or None for both
    text: str = _field(default="", compare=False)   # as the user wrote it, for explanations
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        scope = f"{self.field}:" if self.field else ""
        star = "*" if self.prefix else ""
        if len(self.words) == 1:
            return f"{scope}{self.words[0]}{star}"
        return f'{scope}"{" ".join(self.words)}{star}"'


@dataclass(frozen=True, slots=True)
class Near:
    """`left NEAR/distance right`: both in the same field, at most `distance` words apart."""

    left: Node
    right: Node
    distance: int
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        return f"({self.left} NEAR/{self.distance} {self.right})"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.children)) + ")"


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.children)) + ")"


@dataclass(frozen=True, slots=True)
class Not:
    """True when `child` is nowhere in the article (title and body both)."""

    child: Node
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        return f"NOT {self.child}"


@dataclass(frozen=True, slots=True)
class Filter:
    """`source:` or `lang:` — a condition on the article's metadata, not its words."""

    name: str
    value: str
    column: int = _field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{self.name}:{self.value}"


Node = Words | Near | And | Or | Not | Filter
