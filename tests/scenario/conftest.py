from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing import ChatDriver


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"


@pytest.fixture
async def chat(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    driver = await ChatDriver.open(sqlite_url)
    yield driver
    await driver.close()
