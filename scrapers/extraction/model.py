"""The extractor's result type and its one error."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class ExtractionError(ValueError):
    """The input cannot be handled at all (empty, binary, not HTML).

    Broken but recognisable HTML never raises: the extractor returns what it could get.
    """


@dataclass
class Extracted:
    """What one fetched page says about itself, plus why it is or is not an article."""

    url: str
    canonical_url: str | None = None
    amp_url: str | None = None
    title: str | None = None
    body: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    language: str | None = None
    image: str | None = None
    is_article: bool = False
    reason: str = ""
    method: str = ""
    summary: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; datetimes become ISO 8601 strings with their offset."""
        data = asdict(self)
        for key in ("published", "modified"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data
