"""The console mailbox: what arrived for a persona while someone else was at the keyboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from store import console_inbox
from store.db import Database


async def test_unseen_messages_are_taken_once_in_order(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        await console_inbox.deliver(uow.session, person="bob", message={"body": "1"}, now=now)
        await console_inbox.deliver(uow.session, person="bob", message={"body": "2"},
                                    now=now + timedelta(seconds=1))
        await console_inbox.deliver(uow.session, person="carol", message={"body": "c"}, now=now)
    async with db.unit_of_work() as uow:
        taken = await console_inbox.take_unseen(uow.session, person="bob")
    async with db.unit_of_work() as uow:
        again = await console_inbox.take_unseen(uow.session, person="bob")
        carols = await console_inbox.take_unseen(uow.session, person="carol")
    assert taken == [{"body": "1"}, {"body": "2"}]
    assert again == []
    assert carols == [{"body": "c"}]
