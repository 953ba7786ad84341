"""Shared fixtures: a real SQLite file per test, the shared real fixtures, the Bot API double."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import telegram_double  # noqa: F401  (a fixture)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsradar.db"


@pytest.fixture
def db(db_path: Path):
    from storage import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def seed_text(shared_dir: Path) -> str:
    seeds = sorted((shared_dir / "seed").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared/seed holds no seed article")
    return seeds[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demo_warc(tmp_path_factory) -> Path:
    from newsradar.demo.web import build_demo_web, write_warc

    return write_warc(build_demo_web(), tmp_path_factory.mktemp("web") / "demo.warc.gz")


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, cwd: Path | None = None):
    """Run `python -m newsradar ARGS` as a user would, returning the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None) if env is None or "TELEGRAM_BOT_TOKEN" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "newsradar", *args], capture_output=True, text=True,
        timeout=timeout, env=full_env, cwd=cwd or REPO,
    )
