"""A Slack send in flight when its sender died: found again by its metadata, not sent twice.

The dead sender is a real dispatcher whose send reached the fake Slack and which was then
stopped before it could record the outcome (its drain cancelled while the send still hung).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channel import SlackChannel
from bot.testing import FakeClock
from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Message, Text, message_to_dict
from scheduler.dispatcher import OutboxDispatcher
from store import outbox
from store.db import Database
from store.models import OutboxRow
from tests.slack.fake_slack import FakeSlack

ALICE = ConversationKey("slack", "T0DEMO", "", "U0ALICE")
GUARD = 2000  # polls of 5 ms: a deadline against hanging, not a measurement


async def ignore(event: InboundEvent) -> None:
    return None


class DiesAfterPosting(SlackChannel):
    """Posts to Slack, then hangs (the process is killed before it hears the answer)."""

    async def send_tagged(self, key: ConversationKey, message: Message, tag: str
                          ) -> MessageRef:
        await super().send_tagged(key, message, tag)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class DiesBeforePosting(SlackChannel):
    async def send_tagged(self, key: ConversationKey, message: Message, tag: str
                          ) -> MessageRef:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))  # Slack's ts is its wall clock


@pytest.fixture
async def client(fake_slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    yield AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)


async def queue(db: Database, clock: FakeClock, text: str) -> int:
    async with db.unit_of_work() as uow:
        queued = await outbox.enqueue(uow.session, recipient=ALICE.as_dict(), channel="slack",
                                      message=message_to_dict(Text(text)), now=clock())
    return queued.id


async def row(db: Database, row_id: int) -> OutboxRow:
    async with db.unit_of_work() as uow:
        found = await uow.session.get(OutboxRow, row_id)
    assert found is not None
    return found


async def killed_while_sending(db: Database, clock: FakeClock, channel: SlackChannel,
                               fake: FakeSlack, *, posted: bool) -> None:
    """A dispatcher claims and starts sending, and is stopped before it records anything."""
    await channel.start(ignore)
    dead = OutboxDispatcher(db, {"slack": channel}, clock, lease_seconds=10)
    draining = asyncio.create_task(dead.drain())
    if posted:
        await fake.wait_for("chat.postMessage")
    else:
        for _ in range(GUARD):
            if fake.calls_to("conversations.open"):
                break
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)
    draining.cancel()
    with pytest.raises(asyncio.CancelledError):
        await draining


async def test_a_send_that_reached_slack_before_the_crash_is_found_not_sent_again(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    row_id = await queue(db, clock, "已提交 REQ-1")
    await killed_while_sending(db, clock, DiesAfterPosting(client), fake_slack, posted=True)
    [first] = fake_slack.calls_to("chat.postMessage")
    assert first.args["metadata"] == {"event_type": "esmbot_outbox",
                                      "event_payload": {"tag": f"outbox-{row_id}"}}
    assert (await row(db, row_id)).state == "sending"

    clock.advance(seconds=11)  # the dead sender's lease has run out
    heir = SlackChannel(client)
    await heir.start(ignore)
    assert await OutboxDispatcher(db, {"slack": heir}, clock).drain() == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # not posted twice
    [looked] = fake_slack.calls_to("conversations.history")
    assert looked.args["include_all_metadata"] in (True, "true", "1")
    taken_over = await row(db, row_id)
    assert taken_over.state == "sent"
    assert taken_over.sent_ref is not None and taken_over.sent_ref["native_id"] == first.ts


async def test_a_send_that_never_reached_slack_is_sent_once_after_the_crash(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    row_id = await queue(db, clock, "已提交 REQ-2")
    await killed_while_sending(db, clock, DiesBeforePosting(client), fake_slack, posted=False)
    assert fake_slack.calls_to("chat.postMessage") == []

    clock.advance(seconds=11)
    heir = SlackChannel(client)
    await heir.start(ignore)
    assert await OutboxDispatcher(db, {"slack": heir}, clock).drain() == 1
    assert fake_slack.texts_to("D0ALICE") == ["已提交 REQ-2"]
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert (await row(db, row_id)).state == "sent"


async def test_an_ordinary_send_does_not_read_the_history(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    await queue(db, clock, "one")
    await queue(db, clock, "two")
    channel = SlackChannel(client)
    await channel.start(ignore)
    assert await OutboxDispatcher(db, {"slack": channel}, clock).drain() == 2
    assert fake_slack.texts_to("D0ALICE") == ["one", "two"]
    assert fake_slack.calls_to("conversations.history", ok=None) == []


async def test_when_slack_refuses_the_history_the_row_is_sent_again(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """Without the history scope the send cannot be found: it goes again (a possible
    duplicate, logged) rather than never."""
    row_id = await queue(db, clock, "已提交 REQ-3")
    await killed_while_sending(db, clock, DiesAfterPosting(client), fake_slack, posted=True)
    fake_slack.fail_next("conversations.history", status=200, error="missing_scope",
                         retry_after=None)
    clock.advance(seconds=11)
    heir = SlackChannel(client)
    await heir.start(ignore)
    assert await OutboxDispatcher(db, {"slack": heir}, clock).drain() == 1
    assert fake_slack.texts_to("D0ALICE") == ["已提交 REQ-3", "已提交 REQ-3"]
    assert (await row(db, row_id)).state == "sent"


async def test_a_send_in_a_thread_is_looked_for_among_the_replies(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    channel = SlackChannel(client)
    await channel.start(ignore)
    key = ConversationKey("slack", "T0DEMO", "C0IT", "U0ALICE", "1700000000.000001")
    ref = await channel.send_tagged(key, Text("in the thread"), "outbox-7")
    assert await channel.find_tagged(key, "outbox-7", clock()) == ref
    assert await channel.find_tagged(key, "outbox-8", clock()) is None
    assert fake_slack.calls_to("conversations.replies")[0].args["ts"] == "1700000000.000001"


async def test_when_slack_cannot_answer_the_lookup_now_the_row_stays_in_doubt(
    db: Database, clock: FakeClock, client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """A crash and an outage together: the lookup is tried again at the retry instead of
    posting blindly, so the message that did arrive is still not sent twice."""
    row_id = await queue(db, clock, "已提交 REQ-4")
    await killed_while_sending(db, clock, DiesAfterPosting(client), fake_slack, posted=True)
    fake_slack.fail_next("conversations.history", status=503, error="service_unavailable",
                         retry_after=None)
    clock.advance(seconds=11)
    heir = SlackChannel(client)
    await heir.start(ignore)
    dispatcher = OutboxDispatcher(db, {"slack": heir}, clock)
    assert await dispatcher.drain() == 0
    waiting = await row(db, row_id)
    assert (waiting.state, waiting.lease_owner) == ("sending", None)
    assert waiting.last_error == "slack conversations.history: service_unavailable"

    clock.advance(seconds=5)  # its retry is due
    assert await dispatcher.drain() == 1
    assert fake_slack.texts_to("D0ALICE") == ["已提交 REQ-4"]
    assert len(fake_slack.calls_to("conversations.history", ok=None)) == 2
    assert (await row(db, row_id)).state == "sent"
