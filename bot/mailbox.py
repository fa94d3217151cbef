"""The console channel's mailbox, kept in the store so it survives a restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from store import console_inbox
from store.db import Database


class StoreMailbox:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def deliver(self, person: str, message: dict[str, Any]) -> None:
        async with self.db.unit_of_work() as uow:
            await console_inbox.deliver(uow.session, person=person, message=message,
                                        now=self.clock())

    async def take_unseen(self, person: str) -> list[dict[str, Any]]:
        async with self.db.unit_of_work() as uow:
            return await console_inbox.take_unseen(uow.session, person=person)
