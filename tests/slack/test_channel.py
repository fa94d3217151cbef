"""``SlackChannel`` against the fake Web API: where sends go, updates, and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.errors import SetupError
from adapters.slack.channel import SlackChannel
from chat.channel import ChannelError, UpdateUnsupported
from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Button, Card, Text
from devtools.host import free_port
from tests.slack.fake_slack import FakeSlack

CARD = Card(title="REQ-1 笔记本电脑申请", body="预算 ¥8,000",
            buttons=(Button("同意", "apr:1:bob:approve", style="primary"),
                     Button("驳回", "apr:1:bob:reject", style="danger")))


def to(user: str, conversation: str = "", thread: str | None = None) -> ConversationKey:
    return ConversationKey("slack", "T0DEMO", conversation, user, thread)


async def ignore(event: InboundEvent) -> None:
    return None


@pytest.fixture
async def channel(fake_slack: FakeSlack) -> AsyncIterator[SlackChannel]:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    channel = SlackChannel(client)
    await channel.start(ignore)
    yield channel
    await channel.stop()


async def test_start_learns_the_bot_user_id(channel: SlackChannel) -> None:
    assert channel.bot_user_id == "U0ESMBOT"


async def test_a_rejected_bot_token_stops_start_up_naming_the_key(fake_slack: FakeSlack) -> None:
    channel = SlackChannel(AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.api_url))
    with pytest.raises(SetupError, match=r"slack\.bot_token.*invalid_auth"):
        await channel.start(ignore)


async def test_a_person_is_reached_in_their_dm_opened_once(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    first = await channel.send(to("U01BOB"), CARD)
    await channel.send(to("U01BOB"), Text("再来一条"))
    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.args["users"] == "U01BOB"
    [post, _] = fake_slack.posts_to("D01BOB")
    assert first == MessageRef("slack", "D01BOB", post.response["ts"])
    styles = [e.get("style") for e in post.args["blocks"][-1]["elements"]]
    assert styles == ["primary", "danger"]


async def test_a_thread_key_posts_into_that_thread(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    ref = await channel.send(to("U01ALICE", "C0GENERAL/1700.000200", "1700.000200"), Text("hi"))
    [post] = fake_slack.posts_to("C0GENERAL")
    assert post.args["thread_ts"] == "1700.000200" and ref.conversation == "C0GENERAL"


async def test_an_email_address_is_resolved_with_lookup_by_email(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    await channel.send(to("carol@example.com"), Text("hello"))
    await channel.send(to("Carol@Example.com"), Text("again"))
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 1
    assert len(fake_slack.posts_to("D01CAROL")) == 2


async def test_an_unknown_email_is_a_permanent_failure(channel: SlackChannel) -> None:
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("nobody@example.com"), Text("hello"))
    assert raised.value.permanent


async def test_update_edits_the_card_in_place_and_a_text_clears_its_blocks(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    ref = await channel.send(to("U01BOB"), CARD)
    assert await channel.update(ref, Text("已同意 · Approved")) == ref
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["channel"] == "D01BOB" and update.args["ts"] == ref.native_id
    assert update.args["blocks"] == [] and update.args["text"] == "已同意 · Approved"


async def test_an_update_slack_cannot_do_asks_for_a_new_message(channel: SlackChannel) -> None:
    with pytest.raises(UpdateUnsupported):
        await channel.update(MessageRef("slack", "D01BOB", "1.2"), Text("x"))


async def test_rate_limited_sends_carry_retry_after(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("U01BOB"), Text("hi"))
    assert raised.value.retry_after == 7.0 and not raised.value.permanent


async def test_a_missing_channel_is_permanent(channel: SlackChannel, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found",
                         retry_after=None)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("U01BOB", "C0GONE"), Text("hi"))
    assert raised.value.permanent and "channel_not_found" in str(raised.value)


async def test_a_server_error_is_retried_later(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, error="internal_error", retry_after=None)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("U01BOB", "C0GENERAL"), Text("hi"))
    assert not raised.value.permanent and raised.value.retry_after is None


async def test_an_unreachable_slack_is_retried_later() -> None:
    port = free_port()  # a port nobody listens on
    client = AsyncWebClient(token="xoxb-x", base_url=f"http://127.0.0.1:{port}/api/")
    channel = SlackChannel(client, bot_user_id="U0ESMBOT")
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("U01BOB", "C0GENERAL"), Text("hi"))
    assert not raised.value.permanent


async def test_a_button_slack_cannot_carry_is_permanent(channel: SlackChannel) -> None:
    card = Card(title="x", buttons=(Button("go", "a" * 300),))
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("U01BOB", "C0GENERAL"), card)
    assert raised.value.permanent
