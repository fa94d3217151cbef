from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.web.console.rig import ConsoleRig, console_rig


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[ConsoleRig]:
    async with console_rig(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}") as served:
        yield served
