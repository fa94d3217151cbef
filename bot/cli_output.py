"""What every ``esmbot`` command shares: its exit codes, its JSON output, and one unit of work
on the configured store."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@asynccontextmanager
async def store_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """Open the configured database (migrating it), run one unit of work, close it again."""
    from store.db import Database

    db = await Database.open(settings.store.url)
    try:
        async with db.unit_of_work() as uow:
            yield uow.session
    finally:
        await db.close()
