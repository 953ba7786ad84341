"""The one error the rules engine raises for a rule a person wrote wrongly."""

from __future__ import annotations

__all__ = ["RuleError"]


class RuleError(ValueError):
    """A rule (or an alias) that cannot be understood.

    `str(error)` is one sentence for the person who wrote the rule: what is wrong, at
    which column, and what to write instead. `column` is 1-based, counted in characters
    of the rule as typed; `message` is the same sentence as `str(error)`.
    """

    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.message = message
        self.column = column
