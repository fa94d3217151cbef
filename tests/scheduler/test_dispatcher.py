"""The outbox dispatcher sends only for the channels it has, and to each person in order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from adapters.fake.channel import FakeChannel
from bot.testing import FakeClock
from chat.channel import Channel, ChannelError, UpdateUnsupported
from chat.events import ConversationKey, MessageRef
from chat.replies import Message, Text, message_to_dict
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
    fake = FakeChannel()
    dispatcher = OutboxDispatcher(db, {"fake": fake}, clock)
    claim = dispatcher._claim
    woken: list[bool] = []

    async def claim_then_a_turn_commits() -> outbox.Claim:
        taken = await claim()
        if not taken.rows and not woken:  # the turn commits just after this claim looked
            woken.append(True)
            await queue(db, clock, ERIN, "queued meanwhile")
            dispatcher.wake()
        return taken

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


CAROL = ConversationKey(channel="fake", tenant="T1", conversation="", user="carol")
DAVE = ConversationKey(channel="fake", tenant="T1", conversation="", user="dave")


class PickyChannel(FakeChannel):
    """A fake whose sends to some people fail (once each, with the given exception), whose
    sends can be held at a gate, and which counts how many sends are under way at once."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_for: dict[str, Exception] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.in_flight = self.most_in_flight = 0
        self.turns_for: dict[str, int] = {}  # loop turns a send to that person takes

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(self.turns_for.get(key.user, 1)):
                await asyncio.sleep(0)
            if key.user in self.gates:
                await self.gates[key.user].wait()
            if key.user in self.fail_for:
                raise self.fail_for.pop(key.user)
            return await super().send(key, message)
        finally:
            self.in_flight -= 1


async def rows_by_body(db: Database) -> dict[str, OutboxRow]:
    async with db.unit_of_work() as uow:
        rows = await uow.session.scalars(select(OutboxRow).order_by(col(OutboxRow.id)))
        return {row.message["body"]: row for row in rows}


async def test_one_failing_send_in_a_batch_leaves_the_others_marked_sent(
    db: Database, clock: FakeClock
) -> None:
    fake = PickyChannel()
    fake.fail_for["erin"] = ChannelError("429 slow down", retry_after=30)
    for key in (BOB, ERIN, CAROL):
        await queue(db, clock, key, f"to {key.user}")
    assert await OutboxDispatcher(db, {"fake": fake}, clock).drain() == 2

    rows = await rows_by_body(db)
    assert {body: row.state for body, row in rows.items()} == {
        "to bob": "sent", "to erin": "pending", "to carol": "sent"}
    refs = {d.user: d.ref.as_dict() for d in fake.deliveries}
    assert rows["to bob"].sent_ref == refs["bob"] and rows["to carol"].sent_ref == refs["carol"]
    assert rows["to bob"].sent_at == clock() and rows["to bob"].lease_owner is None
    erin = rows["to erin"]
    assert (erin.attempts, erin.last_error, erin.lease_owner) == (1, "429 slow down", None)
    assert erin.next_attempt_at == clock() + timedelta(seconds=30)  # Retry-After honoured


async def test_a_batch_goes_out_at_once_and_each_person_still_gets_their_messages_in_order(
    db: Database, clock: FakeClock
) -> None:
    fake = PickyChannel()
    people = (BOB, ERIN, CAROL, DAVE)
    for n, key in enumerate(people):
        fake.turns_for[key.user] = len(people) - n  # the later ones finish first
    for round_ in (1, 2, 3):
        for key in people:
            await queue(db, clock, key, f"{key.user} {round_}")
    dispatcher = OutboxDispatcher(db, {"fake": fake}, clock, batch_size=3)  # batches straddle
    assert await dispatcher.drain() == 12

    assert fake.most_in_flight == 3  # a whole batch under way at once, never more
    for key in people:
        assert fake.to(key.user) == [Text(f"{key.user} {n}") for n in (1, 2, 3)]
    assert set((await states(db)).values()) == {"sent"}


async def test_an_adapter_that_raises_does_not_lose_the_row(
    db: Database, clock: FakeClock
) -> None:
    fake = PickyChannel()
    fake.fail_for["bob"] = RuntimeError("adapter bug")
    await queue(db, clock, BOB, "bob 1")
    await queue(db, clock, BOB, "bob 2")
    await queue(db, clock, ERIN, "erin 1")
    dispatcher = OutboxDispatcher(db, {"fake": fake}, clock)
    assert await dispatcher.drain() == 1
    rows = await rows_by_body(db)
    assert (rows["bob 1"].state, rows["bob 1"].last_error) == (
        "pending", "RuntimeError('adapter bug')")
    assert rows["bob 2"].state == "pending"  # held back behind it

    clock.advance(seconds=1)  # its retry falls due
    assert await dispatcher.drain() == 2
    assert fake.to("bob") == [Text("bob 1"), Text("bob 2")]


async def test_an_adapter_that_always_raises_dead_letters_the_row_after_its_attempts(
    db: Database, clock: FakeClock
) -> None:
    class Broken(FakeChannel):
        async def send(self, key: ConversationKey, message: Message) -> MessageRef:
            raise KeyError("no such field")

    dispatcher = OutboxDispatcher(db, {"fake": Broken()}, clock, max_attempts=3)
    await queue(db, clock, BOB, "doomed")
    for _ in range(3):
        assert await dispatcher.drain() == 0
        clock.advance(minutes=5)
    row = (await rows_by_body(db))["doomed"]
    assert (row.state, row.attempts, row.last_error) == ("dead", 3, "KeyError('no such field')")


async def test_a_card_that_cannot_be_updated_is_sent_again_as_a_new_message(
    db: Database, clock: FakeClock
) -> None:
    class NoUpdates(FakeChannel):
        async def update(self, ref: MessageRef, message: Message) -> MessageRef:
            raise UpdateUnsupported("token expired")

    fake = NoUpdates()
    old = MessageRef(channel="fake", conversation="bob", native_id="7")
    async with db.unit_of_work() as uow:
        await outbox.enqueue(uow.session, recipient=BOB.as_dict(), channel="fake",
                             message=message_to_dict(Text("card v2")), kind="update",
                             target_ref=old.as_dict(), now=clock())
    assert await OutboxDispatcher(db, {"fake": fake}, clock).drain() == 1
    [delivery] = fake.deliveries
    assert (delivery.user, delivery.message, delivery.updated) == ("bob", Text("card v2"), False)
    assert (await rows_by_body(db))["card v2"].sent_ref == delivery.ref.as_dict()


async def test_a_drain_cancelled_mid_batch_records_the_sends_that_finished(
    db: Database, clock: FakeClock
) -> None:
    """Otherwise they would stay leased and go out a second time."""
    fake = PickyChannel()
    fake.gates["bob"] = asyncio.Event()  # bob's send hangs
    await queue(db, clock, BOB, "bob 1")
    await queue(db, clock, ERIN, "erin 1")
    dispatcher = OutboxDispatcher(db, {"fake": fake}, clock, owner="me")
    draining = asyncio.create_task(dispatcher.drain())
    for _ in range(2000):  # a deadline, not a measurement
        if fake.deliveries:
            break
        await asyncio.sleep(0.005)
    draining.cancel()
    with pytest.raises(asyncio.CancelledError):
        await draining
    assert await states(db) == {"bob 1": "sending", "erin 1": "sent"}

    fake.gates["bob"].set()
    assert await dispatcher.drain() == 1  # the same sender takes bob's row back at once
    assert [d.user for d in fake.deliveries] == ["erin", "bob"]
