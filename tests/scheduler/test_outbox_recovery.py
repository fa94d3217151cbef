"""Crash recovery and long outages: short leases renewed while a send goes on, a dead sender's
rows taken over within seconds, capped and jittered retries for hours, order kept throughout."""

from __future__ import annotations

import asyncio
import random
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from adapters.fake.channel import FakeChannel
from bot.app import build_app
from bot.settings import OutboxSettings, SettingsError, load_settings
from bot.testing import FakeClock
from chat.channel import ChannelError
from chat.events import ConversationKey, MessageRef
from chat.replies import Message, Text, message_to_dict
from scheduler.dispatcher import OutboxDispatcher
from store import outbox
from store.db import Database
from store.models import OutboxRow

BOB = ConversationKey(channel="fake", tenant="T1", conversation="", user="bob")
ERIN = ConversationKey(channel="fake", tenant="T1", conversation="", user="erin")
GUARD = 2000  # polls of 5 ms: a deadline against hanging, not a measurement


async def queue(db: Database, clock: FakeClock, key: ConversationKey, text: str) -> int:
    async with db.unit_of_work() as uow:
        queued = await outbox.enqueue(uow.session, recipient=key.as_dict(), channel=key.channel,
                                      message=message_to_dict(Text(text)), now=clock())
    return queued.id


async def rows(db: Database) -> dict[str, OutboxRow]:
    async with db.unit_of_work() as uow:
        found = await uow.session.scalars(select(OutboxRow).order_by(col(OutboxRow.id)))
        return {row.message["body"]: row for row in found}


class GatedChannel(FakeChannel):
    """A fake whose sends wait at ``gate`` (``entered`` tells that one is waiting)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        self.entered.set()
        await self.gate.wait()
        return await super().send(key, message)


class Outage(FakeChannel):
    """A platform that answers 503 while ``down``."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.refused = 0

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        if self.down:
            self.refused += 1
            raise ChannelError("fake: HTTP 503 service unavailable")
        return await super().send(key, message)


async def test_a_dead_senders_rows_are_taken_over_once_its_short_lease_runs_out(
    db: Database, clock: FakeClock
) -> None:
    """Regression: the lease was 60 s, so bob's answers waited a minute behind the row the
    crashed process was sending."""
    await queue(db, clock, BOB, "bob 1")
    await queue(db, clock, BOB, "bob 2")
    dead = OutboxDispatcher(db, {"fake": FakeChannel()}, clock, lease_seconds=10)
    taken = await dead._claim()  # it claimed bob 1, then was killed before sending
    assert [row.message["body"] for row in taken.rows] == ["bob 1"]

    fake = FakeChannel()
    heir = OutboxDispatcher(db, {"fake": fake}, clock, lease_seconds=10)
    clock.advance(seconds=9.9)
    assert await heir.drain() == 0  # still leased: bob 2 waits behind bob 1
    clock.advance(seconds=0.2)
    assert await heir.drain() == 2
    assert fake.to("bob") == [Text("bob 1"), Text("bob 2")]
    found = await rows(db)
    assert (found["bob 1"].state, found["bob 1"].attempts) == ("sent", 2)


async def test_a_sender_renews_its_leases_while_a_slow_send_goes_on(
    db: Database, clock: FakeClock
) -> None:
    await queue(db, clock, BOB, "slow")
    slow = GatedChannel()
    sender = OutboxDispatcher(db, {"fake": slow}, clock, lease_seconds=10,
                              heartbeat_seconds=0.01)
    draining = asyncio.create_task(sender.drain())
    await asyncio.wait_for(slow.entered.wait(), 10)
    claimed_at = clock()
    clock.advance(seconds=8)
    for _ in range(GUARD):  # wait for a heartbeat that saw the clock at +8 s
        if (await rows(db))["slow"].lease_until == clock() + timedelta(seconds=10):
            break
        await asyncio.sleep(0.005)
    assert (await rows(db))["slow"].lease_until == claimed_at + timedelta(seconds=18)

    clock.advance(seconds=5)  # past the first lease, within the renewed one
    other = FakeChannel()
    assert await OutboxDispatcher(db, {"fake": other}, clock).drain() == 0
    slow.gate.set()
    assert await draining == 1
    assert (slow.to("bob"), other.deliveries) == ([Text("slow")], [])
    assert (await rows(db))["slow"].state == "sent"


async def test_a_renewal_leaves_a_row_another_sender_took_over(
    db: Database, clock: FakeClock
) -> None:
    row_id = await queue(db, clock, BOB, "taken")
    late = OutboxDispatcher(db, {"fake": FakeChannel()}, clock, owner="late", lease_seconds=10)
    await late._claim()
    clock.advance(seconds=11)
    heir = OutboxDispatcher(db, {"fake": FakeChannel()}, clock, owner="heir", lease_seconds=10)
    await heir._claim()
    assert await late.renew([row_id]) == 0
    assert await heir.renew([row_id]) == 1
    assert (await rows(db))["taken"].lease_owner == "heir"


def test_the_backoff_doubles_up_to_its_cap_each_wait_drawn_from_its_upper_half() -> None:
    policy = outbox.RetryPolicy(base=1.0, cap=60.0)
    rng = random.Random(17)
    for attempts in range(1, 40):
        step = min(60.0, 2.0 ** (attempts - 1))
        delays = [policy.delay(attempts, rng=rng) for _ in range(50)]
        assert all(step / 2 <= delay <= step for delay in delays), attempts
        assert len(set(delays)) > 1  # jittered: recipients that failed together spread out
    assert policy.delay(3, retry_after=30, rng=rng) == 30  # the platform's Retry-After wins
    assert policy.delay(30, retry_after=3, rng=rng) >= 30


def test_a_row_is_dead_only_once_its_retry_window_has_passed(clock: FakeClock) -> None:
    policy = outbox.RetryPolicy(base=1.0, cap=60.0, window=3600.0)
    row = OutboxRow(channel="fake", recipient={}, recipient_key="k", message={},
                    attempts=50, retry_since=clock())
    assert policy.retry_at(row, clock() + timedelta(minutes=58)) is not None
    assert policy.retry_at(row, clock() + timedelta(minutes=60)) is None
    fresh = OutboxRow(channel="fake", recipient={}, recipient_key="k", message={}, attempts=1)
    assert policy.retry_at(fresh, clock()) is not None  # its first failure opens the window
    counted = outbox.RetryPolicy(max_attempts=3)
    assert counted.retry_at(OutboxRow(channel="fake", recipient={}, recipient_key="k",
                                      message={}, attempts=3), clock()) is None


async def test_an_outage_longer_than_the_old_dead_letter_point_is_delivered_in_order(
    db: Database, clock: FakeClock
) -> None:
    """Regression: eight attempts about 255 s apart in all, so a 200 s outage dead-lettered
    every answer. Now a two-hour outage is waited out, and each person's order kept."""
    platform = Outage()
    dispatcher = OutboxDispatcher(db, {"fake": platform}, clock)
    for n in range(1, 4):
        await queue(db, clock, BOB, f"bob {n}")
        await queue(db, clock, ERIN, f"erin {n}")
    start = clock()
    while clock() - start < timedelta(hours=2):
        assert await dispatcher.drain() == 0
        clock.advance(seconds=30)
    assert platform.refused > 200  # it kept trying, at most about a minute apart
    assert {row.state for row in (await rows(db)).values()} == {"pending"}

    platform.down = False
    for _ in range(20):
        await dispatcher.drain()
        clock.advance(seconds=61)
    assert platform.to("bob") == [Text(f"bob {n}") for n in range(1, 4)]
    assert platform.to("erin") == [Text(f"erin {n}") for n in range(1, 4)]
    assert {row.state for row in (await rows(db)).values()} == {"sent"}


async def test_an_outage_longer_than_the_retry_window_dead_letters(
    db: Database, clock: FakeClock
) -> None:
    platform = Outage()
    retry = outbox.RetryPolicy(cap=600.0, window=3600.0)
    dispatcher = OutboxDispatcher(db, {"fake": platform}, clock, retry=retry)
    await queue(db, clock, BOB, "too late")
    for _ in range(200):
        await dispatcher.drain()
        clock.advance(seconds=60)
    row = (await rows(db))["too late"]
    assert (row.state, row.last_error) == ("dead", "fake: HTTP 503 service unavailable")


async def test_the_outbox_settings_reach_the_dispatcher(tmp_path: Path) -> None:
    settings = load_settings(None, {
        "ESMBOT_STORE__URL": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
        "ESMBOT_OUTBOX__LEASE_SECONDS": "4", "ESMBOT_OUTBOX__RETRY_CAP_SECONDS": "120",
        "ESMBOT_OUTBOX__RETRY_HOURS": "48"})
    app = await build_app(settings)
    try:
        assert (app.dispatcher.lease_seconds, app.dispatcher.retry) == (
            4.0, outbox.RetryPolicy(base=1.0, cap=120.0, window=48 * 3600.0))
    finally:
        await app.close()
    defaults = load_settings(None, {}).outbox
    assert (defaults.lease_seconds, defaults.retry_cap_seconds, defaults.retry_hours,
            defaults.max_attempts) == (10.0, 60.0, 24.0, None)
    with pytest.raises(SettingsError, match=r"outbox\.lease_seconds"):
        load_settings(None, {"ESMBOT_OUTBOX__LEASE_SECONDS": "0"})


def test_config_example_documents_every_outbox_key() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text(encoding="utf-8")
    documented = tomllib.loads(text)["outbox"]
    assert set(documented) | {"max_attempts"} == set(OutboxSettings.model_fields)
    assert "# max_attempts = " in text  # optional, shown commented out
