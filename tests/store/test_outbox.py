"""The outbox: enqueue, claim under a lease, expire, retry with backoff, dead-letter."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from store import outbox
from store.db import Database
from store.models import OutboxRow

RECIPIENT: dict[str, Any] = {
    "channel": "slack", "tenant": "T1", "conversation": "", "user": "U1", "thread": None,
}
MESSAGE: dict[str, Any] = {
    "kind": "text", "title": "", "body": "已提交 REQ-1", "fields": [], "buttons": [],
    "footer": "", "asks": None,
}
REF: dict[str, Any] = {
    "channel": "slack", "conversation": "D1", "native_id": "1700000000.0001",
    "update_token": None, "expires_at": None,
}


def _person(n: int) -> dict[str, Any]:
    """The n-th recipient (0: ``RECIPIENT``): rows to different people are not ordered."""
    return {**RECIPIENT, "user": f"U{n + 1}"}


async def _enqueue(db: Database, now: datetime, count: int = 1, *,
                   to: dict[str, Any] | None = None, channel: str = "slack",
                   **extra: object) -> list[int]:
    """``count`` rows, each to another person, or all to ``to``."""
    async with db.unit_of_work() as uow:
        rows = [await outbox.enqueue(uow.session, recipient=to or _person(n), message=MESSAGE,
                                     channel=channel, now=now, **extra)  # type: ignore[arg-type]
                for n in range(count)]
    return [row.id or 0 for row in rows]


async def _claim(db: Database, now: datetime, owner: str = "w1", limit: int = 10,
                 lease: float = 60.0, channels: tuple[str, ...] | None = None
                 ) -> list[OutboxRow]:
    async with db.unit_of_work() as uow:
        return await outbox.claim_due(uow.session, now=now, owner=owner, lease_seconds=lease,
                                      limit=limit, channels=channels)


async def _row(db: Database, row_id: int) -> OutboxRow:
    async with db.unit_of_work() as uow:
        row = await uow.session.get(OutboxRow, row_id)
    assert row is not None
    return row


async def _counts(db: Database) -> dict[str, int]:
    async with db.unit_of_work() as uow:
        return await outbox.count_by_state(uow.session)


async def test_enqueued_rows_are_pending_and_due_now(db: Database, now: datetime) -> None:
    [row_id] = await _enqueue(db, now, correlation="apr:12")
    async with db.unit_of_work() as uow:
        row = await uow.session.get(OutboxRow, row_id)
    assert row is not None
    assert (row.state, row.attempts, row.kind, row.correlation) == ("pending", 0, "send", "apr:12")
    assert row.recipient == RECIPIENT and row.message == MESSAGE
    assert row.recipient_key == "slack:T1:@U1:U1"  # ConversationKey.lock_id
    assert row.next_attempt_at == row.created_at == now
    assert await _counts(db) == {"pending": 1, "sending": 0, "sent": 0, "dead": 0}


async def test_an_update_row_keeps_its_target(db: Database, now: datetime) -> None:
    [row_id] = await _enqueue(db, now, kind="update", target_ref=REF)
    [claimed] = await _claim(db, now)
    assert claimed.id == row_id and claimed.kind == "update" and claimed.target_ref == REF


async def test_an_unknown_kind_is_refused(db: Database, now: datetime) -> None:
    with pytest.raises(ValueError, match="kind"):
        await _enqueue(db, now, kind="shout")


async def test_claiming_leases_due_rows_oldest_first(db: Database, now: datetime) -> None:
    ids = await _enqueue(db, now, count=3)
    claimed = await _claim(db, now, limit=2)
    assert [row.id for row in claimed] == ids[:2]
    assert all(row.state == "sending" and row.lease_owner == "w1" for row in claimed)
    assert all(row.attempts == 1 and row.lease_until == now + timedelta(seconds=60)
               for row in claimed)
    assert [row.id for row in await _claim(db, now, owner="w2")] == ids[2:]
    assert await _claim(db, now, owner="w3") == []


async def test_rows_queued_for_later_are_not_due_yet(db: Database, now: datetime) -> None:
    await _enqueue(db, now + timedelta(seconds=5))
    assert await _claim(db, now) == []
    assert len(await _claim(db, now + timedelta(seconds=5))) == 1


async def test_a_row_whose_lease_ran_out_is_claimed_again(db: Database, now: datetime) -> None:
    [row_id] = await _enqueue(db, now)
    await _claim(db, now, owner="crashed", lease=30)
    assert await _claim(db, now + timedelta(seconds=29), owner="w2") == []
    [again] = await _claim(db, now + timedelta(seconds=30), owner="w2")
    assert (again.id, again.lease_owner, again.attempts) == (row_id, "w2", 2)


async def test_a_row_left_sending_is_taken_back_at_once_by_its_own_sender(
    db: Database, now: datetime
) -> None:
    [row_id] = await _enqueue(db, now)
    await _claim(db, now, owner="esmbot-chat@host")  # ... and the terminal was killed
    assert await _claim(db, now, owner="someone-else") == []
    [again] = await _claim(db, now, owner="esmbot-chat@host")  # the chat, restarted
    assert (again.id, again.attempts) == (row_id, 2)


async def test_sent_rows_keep_the_platform_ref_and_are_found_by_correlation(
    db: Database, now: datetime
) -> None:
    ids = await _enqueue(db, now, count=2, correlation="apr:7")
    await _enqueue(db, now, correlation="apr:8", to=_person(5))
    await _claim(db, now)
    async with db.unit_of_work() as uow:
        await outbox.mark_sent(uow.session, outbox_id=ids[0], sent_ref=REF, now=now)
    async with db.unit_of_work() as uow:
        found = await outbox.sent_refs(uow.session, correlation="apr:7")
    assert [row.id for row in found] == ids[:1]
    assert found[0].sent_ref == REF and found[0].sent_at == now
    assert found[0].lease_owner is None and found[0].lease_until is None
    assert await _counts(db) == {"pending": 0, "sending": 2, "sent": 1, "dead": 0}


async def test_a_failed_send_is_retried_later_then_dead_lettered(
    db: Database, now: datetime
) -> None:
    [row_id] = await _enqueue(db, now)
    await _claim(db, now)
    retry_at = now + timedelta(seconds=outbox.backoff_delay(1))
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=row_id, error="429 rate limited",
                                 now=now, retry_at=retry_at)
    assert await _claim(db, now) == []
    [again] = await _claim(db, retry_at)
    assert again.attempts == 2 and again.last_error == "429 rate limited"
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=row_id, error="channel gone", now=now,
                                 retry_at=None)
    assert await _claim(db, now + timedelta(days=1)) == []
    assert await _counts(db) == {"pending": 0, "sending": 0, "sent": 0, "dead": 1}


async def test_marking_a_missing_row_is_an_error(db: Database, now: datetime) -> None:
    with pytest.raises(LookupError):
        async with db.unit_of_work() as uow:
            await outbox.mark_sent(uow.session, outbox_id=999, sent_ref=None, now=now)


async def test_concurrent_claims_take_disjoint_rows(db: Database, now: datetime) -> None:
    ids = await _enqueue(db, now, count=40)
    batches = await asyncio.gather(*(_claim(db, now, owner=f"w{n}", limit=7) for n in range(8)))
    claimed = [row.id or 0 for batch in batches for row in batch]
    assert sorted(claimed) == ids
    assert len(set(claimed)) == len(claimed)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite: one writer at a time
async def test_open_claims_on_postgresql_skip_each_others_rows(
    db: Database, now: datetime
) -> None:
    ids = await _enqueue(db, now, count=6)
    async with db.unit_of_work() as first, db.unit_of_work() as second:
        mine = await outbox.claim_due(first.session, now=now, owner="a", lease_seconds=60,
                                      limit=4)
        theirs = await outbox.claim_due(second.session, now=now, owner="b", lease_seconds=60,
                                        limit=4)
    assert [row.id for row in mine] == ids[:4]
    assert [row.id for row in theirs] == ids[4:]


async def test_rows_to_one_person_go_out_one_at_a_time_in_order(
    db: Database, now: datetime
) -> None:
    first, second = await _enqueue(db, now, count=2, to=RECIPIENT)
    [other] = await _enqueue(db, now, to=_person(7))
    assert [row.id for row in await _claim(db, now, owner="w1")] == [first, other]
    assert await _claim(db, now, owner="w2") == []  # the second waits while w1 sends the first
    async with db.unit_of_work() as uow:
        await outbox.mark_sent(uow.session, outbox_id=first, sent_ref=REF, now=now)
    assert [row.id for row in await _claim(db, now, owner="w2")] == [second]


async def test_a_failed_row_holds_back_later_rows_to_its_recipient_but_not_to_others(
    db: Database, now: datetime
) -> None:
    failing, behind = await _enqueue(db, now, count=2, to=RECIPIENT)
    await _claim(db, now, limit=1)
    retry_at = now + timedelta(seconds=30)
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=failing, error="503", now=now,
                                 retry_at=retry_at)
    [elsewhere] = await _enqueue(db, now, to=_person(1))
    later = now + timedelta(seconds=10)
    assert [row.id for row in await _claim(db, later, owner="w2")] == [elsewhere]
    assert [row.id for row in await _claim(db, retry_at, owner="w3")] == [failing]  # in order
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=failing, error="gone", now=retry_at,
                                 retry_at=None)
    assert [row.id for row in await _claim(db, retry_at, owner="w3")] == [behind]  # dead: next


async def test_a_row_for_a_channel_not_enabled_here_stays_pending(
    db: Database, now: datetime
) -> None:
    [slack] = await _enqueue(db, now, channel="slack")
    [console] = await _enqueue(db, now, channel="console", to=_person(1))
    assert [row.id for row in await _claim(db, now, channels=("console",))] == [console]
    assert await _claim(db, now, channels=()) == []
    assert await _counts(db) == {"pending": 1, "sending": 1, "sent": 0, "dead": 0}
    assert [row.id for row in await _claim(db, now, owner="w2",
                                           channels=("slack", "console"))] == [slack]


async def test_a_claim_takes_at_most_one_row_per_person_so_a_batch_can_go_out_at_once(
    db: Database, now: datetime
) -> None:
    people = [_person(n) for n in range(3)]
    ids = [row_id for _ in range(4) for person in people
           for row_id in await _enqueue(db, now, to=person)]
    claimed = await _claim(db, now, limit=50)
    assert [row.id for row in claimed] == ids[:3]  # the first row of each person
    assert len({row.recipient_key for row in claimed}) == len(claimed)


async def test_a_batch_of_outcomes_is_recorded_in_one_go(db: Database, now: datetime) -> None:
    sent, retried, dead = await _enqueue(db, now, count=3)
    await _claim(db, now)
    later = now + timedelta(seconds=3)
    async with db.unit_of_work() as uow:
        await outbox.mark_sent_many(uow.session, [outbox.Delivered(sent, REF),
                                                  outbox.Delivered(999, None)],  # gone: no error
                                    now=later)
        await outbox.mark_failed_many(uow.session, [
            outbox.Failure(retried, "503", retry_at=now),  # never before the moment recorded
            outbox.Failure(dead, "gone", retry_at=None)], now=later)
        await outbox.mark_sent_many(uow.session, [], now=later)  # nothing to do is fine
    rows = {row_id: await _row(db, row_id) for row_id in (sent, retried, dead)}
    assert [(row.state, row.lease_owner, row.lease_until) for row in rows.values()] == [
        ("sent", None, None), ("pending", None, None), ("dead", None, None)]
    assert (rows[sent].sent_ref, rows[sent].sent_at) == (REF, later)
    assert (rows[retried].next_attempt_at, rows[retried].last_error) == (later, "503")
    assert (rows[dead].next_attempt_at, rows[dead].last_error) == (now, "gone")


@pytest.mark.parametrize(("attempts", "delay"), [(0, 1.0), (1, 1.0), (2, 2.0), (3, 4.0),
                                                 (9, 256.0), (10, 300.0), (10_000, 300.0)])
def test_backoff_doubles_up_to_the_cap(attempts: int, delay: float) -> None:
    assert outbox.backoff_delay(attempts) == delay


def test_backoff_honours_retry_after_as_the_minimum() -> None:
    assert outbox.backoff_delay(1, retry_after=30) == 30
    assert outbox.backoff_delay(6, retry_after=3) == 32
    assert outbox.backoff_delay(20, retry_after=600) == 600


def test_backoff_with_jitter_stays_within_the_delay() -> None:
    delays = [outbox.backoff_delay(4, base=2.0, jitter=True) for _ in range(50)]
    assert all(0.0 <= d <= 16.0 for d in delays)
    assert outbox.backoff_delay(4, jitter=True, retry_after=20) >= 20


async def _take(db: Database, now: datetime, owner: str) -> outbox.Claim:
    async with db.unit_of_work() as uow:
        return await outbox.claim(uow.session, now=now, owner=owner, lease_seconds=10,
                                  limit=10)


async def test_a_row_taken_from_a_sender_that_never_reported_is_in_doubt(
    db: Database, now: datetime
) -> None:
    """The claim records the attempt before the send: a row still ``sending`` when claimed
    again may have reached the platform; a row whose failure was recorded did not."""
    crashed, failed = await _enqueue(db, now, 2)
    first = await _take(db, now, "dead")
    assert (first.in_doubt, {row.attempted_at for row in first.rows}) == (frozenset(), {now})
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=failed, error="HTTP 503", now=now,
                                 retry_at=now)
    later = now + timedelta(seconds=11)
    again = await _take(db, later, "heir")
    assert {row.id for row in again.rows} == {crashed, failed}
    assert again.in_doubt == frozenset({crashed})
    assert {row.attempted_at for row in again.rows} == {later}
    assert (await _row(db, failed)).retry_since == now  # its retry window opened then


async def test_an_operator_retry_makes_a_dead_row_due_with_a_fresh_window(
    db: Database, now: datetime
) -> None:
    dead, sent = await _enqueue(db, now, 2)
    async with db.unit_of_work() as uow:
        await outbox.mark_failed(uow.session, outbox_id=dead, error="x", now=now, retry_at=None)
        await outbox.mark_sent(uow.session, outbox_id=sent, sent_ref=None, now=now)
    later = now + timedelta(days=2)
    async with db.unit_of_work() as uow:
        done = await outbox.retry_now(uow.session, ids=[dead, sent, 999], dead=False, now=later)
    assert (done.due, done.left) == ([dead], {sent: "sent", 999: "no such message"})
    row = await _row(db, dead)
    assert (row.state, row.next_attempt_at, row.retry_since) == ("pending", later, None)
