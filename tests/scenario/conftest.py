from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.features.audit.verification import verify
from bot.testing import ChatDriver


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"


@pytest.fixture
async def chat(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    """The bot on a fresh SQLite file. When the journey is over, the audit trail must verify:
    every request's rows are what its trail says (no move of the journey went unrecorded)."""
    driver = await ChatDriver.open(sqlite_url)
    yield driver
    report = await verify(driver.app.db)
    await driver.close()
    assert report.problems == (), report.problems
