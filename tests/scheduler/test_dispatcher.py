"""The outbox dispatcher sends only for the channels it has, and to each person in order."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from adapters.fake.channel import FakeChannel
from bot.channel import Channel, ChannelError
from bot.events import ConversationKey
from bot.replies import Text, message_to_dict
from bot.testing import FakeClock
from scheduler.dispatcher import OutboxDispatcher
from store import outbox
from store.db import Database
from store.models import OutboxRow

BOB = ConversationKey(channel="fake", tenant="T1", conversation="", user="bob")
ERIN = ConversationKey(channel="fake", tenant="T1", conversation="", user="erin")


async def queue(db: Database, clock: FakeClock, key: ConversationKey, text: str) -> None:
    async with db.unit_of_work() as uow:
        await outbox.enqueue(uow.session, recipient=key.as_dict(), channel=key.channel,
                             message=message_to_dict(Text(text)), now=clock())


async def states(db: Database) -> dict[str, str]:
    async with db.unit_of_work() as uow:
        rows = await uow.session.scalars(select(OutboxRow).order_by(col(OutboxRow.id)))
        return {row.message["body"]: row.state for row in rows}


async def test_a_message_for_a_channel_this_process_lacks_waits_for_one_that_has_it(
    db: Database, clock: FakeClock
) -> None:
    slack_key = ConversationKey(channel="slack", tenant="T1", conversation="", user="U1")
    await queue(db, clock, slack_key, "for slack")
    await queue(db, clock, BOB, "for the fake")
    fake = FakeChannel()
    here = OutboxDispatcher(db, {"fake": fake}, clock)
    assert await here.drain() == 1
    assert await states(db) == {"for slack": "pending", "for the fake": "sent"}

    slack = FakeChannel()
    slack.name = "slack"
    elsewhere = OutboxDispatcher(db, {"slack": slack}, clock)  # e.g. another replica
    assert await elsewhere.drain() == 1
    assert [d.user for d in slack.deliveries] == ["U1"]
    assert await OutboxDispatcher(db, {}, clock).drain() == 0


async def test_a_failed_send_holds_back_what_follows_to_that_person_only(
    db: Database, clock: FakeClock
) -> None:
    fake = FakeChannel()
    fake.failures.append(ChannelError("503 from the platform"))
    channels: dict[str, Channel] = {"fake": fake}
    dispatcher = OutboxDispatcher(db, channels, clock)
    for text in ("bob 1", "bob 2"):
        await queue(db, clock, BOB, text)
    await queue(db, clock, ERIN, "erin 1")
    assert await dispatcher.drain() == 1
    assert [d.user for d in fake.deliveries] == ["erin"]
    assert await states(db) == {"bob 1": "pending", "bob 2": "pending", "erin 1": "sent"}
    clock.advance(seconds=1)  # the retry falls due
    assert await dispatcher.drain() == 2
    assert [(d.user, d.message) for d in fake.deliveries[1:]] == [("bob", Text("bob 1")),
                                                                  ("bob", Text("bob 2"))]


async def test_a_message_queued_during_a_drain_is_sent_without_waiting_for_the_poll(
    db: Database, clock: FakeClock
) -> None:
    """Regression: a turn that committed (and woke the dispatcher) while its last claim was
    finding nothing had its wake-up cleared after the drain, so the message waited for the
    next poll (seconds in production; an hour here)."""
    import asyncio

    fake = FakeChannel()
    dispatcher = OutboxDispatcher(db, {"fake": fake}, clock)
    claim = dispatcher._claim
    woken: list[bool] = []

    async def claim_then_a_turn_commits() -> list[OutboxRow]:
        rows = await claim()
        if not rows and not woken:  # the turn commits just after this claim looked
            woken.append(True)
            await queue(db, clock, ERIN, "queued meanwhile")
            dispatcher.wake()
        return rows

    dispatcher._claim = claim_then_a_turn_commits  # type: ignore[method-assign]
    await queue(db, clock, BOB, "first")
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(3600, stop))
    try:
        for _ in range(2000):  # a deadline, not a measurement: a lost wake-up waits an hour
            if len(fake.deliveries) == 2:
                break
            await asyncio.sleep(0.005)
        assert [d.user for d in fake.deliveries] == ["bob", "erin"]
    finally:
        stop.set()
        dispatcher.wake()
        await running
