"""The inbox: events kept as written, processed once, recovered in order under a lease."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived, MessageRef
from store import inbound, inbox
from store.db import Database

ALICE = ConversationKey("slack", "T1", "", "U01ALICE")
BOB = ConversationKey("slack", "T1", "", "U01BOB")


def said(key: ConversationKey, event_id: str) -> MessageReceived:
    return MessageReceived(key, event_id, "帮助")


async def take_in(db: Database, event: InboundEvent, at: datetime) -> bool:
    async with db.unit_of_work() as uow:
        return await inbox.take_in(uow.session, event, now=at)


async def claim(db: Database, now: datetime, owner: str = "me", **kwargs: object) -> list[str]:
    options: dict[str, object] = {"grace_seconds": 10, "lease_seconds": 30, "limit": 100,
                                  "channels": ["slack"], **kwargs}
    async with db.unit_of_work() as uow:
        stale = await inbox.claim_stale(uow.session, now=now, owner=owner, **options)  # type: ignore[arg-type]
    return [s.event.event_id for s in stale]


async def process(db: Database, event_id: str, now: datetime) -> bool:
    async with db.unit_of_work() as uow:
        return await inbox.mark_processed(uow.session, channel="slack", event_id=event_id,
                                          now=now)


def test_an_event_reads_back_as_it_was_written() -> None:
    click = ActionInvoked(BOB, "click-1", "apr:3:bob:reject", "v",
                          MessageRef("slack", "D01BOB", "1700.1", "tok"),
                          received_at=datetime.fromisoformat("2026-11-23T02:00:00+00:00"),
                          text="不需要")
    for event in (click, said(ALICE, "Ev1")):
        assert inbox.event_from_dict(inbox.event_to_dict(event)) == event


async def test_a_redelivery_is_found_and_an_event_is_processed_once(db: Database,
                                                                   now: datetime) -> None:
    assert await take_in(db, said(ALICE, "Ev1"), now) is True
    assert await take_in(db, said(ALICE, "Ev1"), now) is True  # not processed yet: process it
    assert await process(db, "Ev1", now) is True
    assert await process(db, "Ev1", now) is False
    assert await take_in(db, said(ALICE, "Ev1"), now) is False  # processed: only answered


async def test_recovery_takes_old_rows_only_the_first_of_each_conversation_and_once(
    db: Database, now: datetime,
) -> None:
    for n, key in enumerate((ALICE, ALICE, BOB)):
        await take_in(db, said(key, f"Ev{n}"), now + timedelta(milliseconds=n))
    await take_in(db, said(BOB, "EvYoung"), now + timedelta(seconds=55))
    later = now + timedelta(minutes=1)
    assert await claim(db, later) == ["Ev0", "Ev2"]  # Ev1 waits for Ev0; EvYoung is young
    assert await claim(db, later, owner="other") == []  # leased, and Ev1 still held back
    assert await process(db, "Ev0", later)
    assert await claim(db, later, owner="other") == ["Ev1"]
    assert await claim(db, later, channels=["wecom"]) == []  # not a channel we have


async def test_a_lease_that_ran_out_is_claimed_again_counting_attempts(
    db: Database, now: datetime,
) -> None:
    await take_in(db, said(ALICE, "Ev1"), now)
    async with db.unit_of_work() as uow:
        first = await inbox.claim_stale(uow.session, now=now + timedelta(minutes=1),
                                        grace_seconds=10, owner="dead", lease_seconds=30,
                                        limit=10, channels=["slack"])
    async with db.unit_of_work() as uow:
        again = await inbox.claim_stale(uow.session, now=now + timedelta(minutes=2),
                                        grace_seconds=10, owner="me", lease_seconds=30,
                                        limit=10, channels=["slack"])
    assert [s.attempts for s in first] == [1] and [s.attempts for s in again] == [2]


async def test_pruning_keeps_unprocessed_rows(db: Database, now: datetime) -> None:
    await take_in(db, said(ALICE, "EvDone"), now)
    await take_in(db, said(BOB, "EvStuck"), now)
    await process(db, "EvDone", now)
    async with db.unit_of_work() as uow:
        assert await inbound.prune_events(uow.session, before=now + timedelta(days=8)) == 1
    assert await claim(db, now + timedelta(days=8)) == ["EvStuck"]


async def test_events_arriving_together_are_written_together_each_told_its_answer(
    db: Database, now: datetime,
) -> None:
    intake = inbox.Intake(db, lambda: now)
    await take_in(db, said(BOB, "EvBefore"), now)
    await process(db, "EvBefore", now)
    events = [said(ALICE, f"Ev{n}") for n in range(5)]
    events += [said(BOB, "EvBefore"), said(ALICE, "Ev0")]
    answers = await asyncio.gather(*(intake.take_in(event) for event in events))
    assert answers == [True] * 5 + [False, True]  # Ev0 twice: to process (once: mark_processed)
    assert [await process(db, "Ev0", now), await process(db, "Ev0", now)] == [True, False]


async def test_a_write_that_fails_fails_every_event_it_carried(db: Database, now: datetime
                                                              ) -> None:
    def broken_clock() -> datetime:
        raise RuntimeError("no time")

    intake = inbox.Intake(db, broken_clock)
    results = await asyncio.gather(*(intake.take_in(said(ALICE, f"Ev{n}")) for n in range(3)),
                                   return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
