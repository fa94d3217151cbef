from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.features.audit.verification import verify
from bot.testing import ChatDriver


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[ChatDriver]:
    """The bot on a fresh SQLite file; when the journey is over its trails must verify."""
    driver = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}")
    yield driver
    report = await verify(driver.app.db)
    await driver.close()
    assert report.problems == (), report.problems
