"""Waiting for something another process does, with a deadline and a useful failure."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str, *, every: float = 0.1,
               context: Callable[[], str] | None = None) -> T:
    """Poll ``predicate`` until it returns something true, and return that; fail after ``timeout`` s.

    ``context`` adds text to the failure (a service's log tail, say)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    extra = f"\n{context()}" if context else ""
    raise AssertionError(f"timed out waiting for {what}{extra}")
