"""The mailboxes of the channels whose people are not always there (the terminal's personas
not at the keyboard, the web panel's people with no socket open), kept in the store so they
survive a restart. They share one table: the terminal's rows are keyed by the person's id,
another channel's by ``<channel>:<person>`` (a directory id has no colon)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from store import console_inbox
from store.db import Database


class StoreMailbox:
    def __init__(self, db: Database, clock: Callable[[], datetime], *,
                 channel: str = "console") -> None:
        self.db = db
        self.clock = clock
        self.channel = channel

    def _box(self, person: str) -> str:
        return person if self.channel == "console" else f"{self.channel}:{person}"

    async def deliver(self, person: str, message: dict[str, Any]) -> None:
        async with self.db.unit_of_work() as uow:
            await console_inbox.deliver(uow.session, person=self._box(person), message=message,
                                        now=self.clock())

    async def take_unseen(self, person: str) -> list[dict[str, Any]]:
        async with self.db.unit_of_work() as uow:
            return await console_inbox.take_unseen(uow.session, person=self._box(person))
