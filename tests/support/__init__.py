"""Test support shared by newsradar's tests: a Telegram Bot API double over real HTTP.

Use the fixture from a conftest with ``from tests.support import telegram_double``
(``tests`` must be importable: run pytest from the repository root with
``pythonpath = ["."]`` in the pytest settings).
"""

from collections.abc import Iterator

import pytest

from .telegram_double import (
    TEST_TOKEN,
    ApiCall,
    ApiFailure,
    TelegramDouble,
    TelegramDoubleError,
    check_html,
)

__all__ = [
    "TEST_TOKEN",
    "ApiCall",
    "ApiFailure",
    "TelegramDouble",
    "TelegramDoubleError",
    "check_html",
    "telegram_double",
]


@pytest.fixture
def telegram_double() -> Iterator[TelegramDouble]:
    """A started TelegramDouble on a free loopback port; stopped after the test.

    The test errors at teardown if the double itself (or an on_send hook) raised.
    """
    with TelegramDouble() as double:
        yield double
    if double.errors:
        raise AssertionError(f"the Telegram double failed while serving: {double.errors!r}")
