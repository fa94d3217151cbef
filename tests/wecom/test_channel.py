"""``WeComChannel`` against the fake qyapi: where sends go, updates and their codes, numbered
choices, pacing and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.kit.errors import SetupError
from adapters.wecom.api import WeComApi
from adapters.wecom.channel import WeComChannel
from adapters.wecom.inbound import CHANNEL, CardClick, Entered
from adapters.wecom.limits import RecipientLimiter
from chat.channel import ChannelError, UpdateUnsupported, degrade
from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived, MessageRef
from chat.replies import Button, Card, Text
from devtools.host import free_port
from tests.wecom.fake_qyapi import FakeQyapi

CARD = Card(title="审批 REQ-1「笔记本电脑申请」", body="预算 ¥8,000",
            buttons=(Button("同意", "apr:1:bob:approve", style="primary"),
                     Button("驳回", "apr:1:bob:reject", style="danger")))
# as the core sends it: WeCom shows at most 6 buttons, so these are numbered choices
SEVEN = degrade(Card(title="选一个服务", buttons=tuple(Button(f"服务{i}", f"pick:s{i}")
                                                      for i in range(1, 8))),
                WeComChannel.capabilities)


def to(user: str = "zhaoqiang", chat: str = "") -> ConversationKey:
    return ConversationKey(CHANNEL, "ww0esmbotdemo", chat, user if not chat else "")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def channel(fake_qyapi: FakeQyapi) -> AsyncIterator[WeComChannel]:
    async def ignore(event: InboundEvent) -> None:
        return None

    api = WeComApi(fake_qyapi.base_url, fake_qyapi.corp_id, fake_qyapi.secret,
                   throttled_retry_seconds=42)
    channel = WeComChannel(api, corp_id=fake_qyapi.corp_id, agent_id=fake_qyapi.agent_id,
                           clock=Clock())
    await channel.start(ignore)
    yield channel
    await channel.stop()


def click(channel: WeComChannel, fake: FakeQyapi, ref: MessageRef, user: str = "zhaoqiang"
          ) -> None:
    event = ActionInvoked(to(user), "e1", "apr:1:bob:approve",
                          source=MessageRef(CHANNEL, user, ref.native_id))
    channel.translate(CardClick(event, ref.native_id, fake.click_code(ref.native_id)))


async def test_a_card_is_a_template_card_whose_ref_carries_its_task_and_code(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    [sent] = fake_qyapi.sends_to("zhaoqiang")
    assert sent.args["msgtype"] == "template_card" and sent.args["agentid"] == 1000002
    assert ref == MessageRef(CHANNEL, "zhaoqiang", sent.task_id,
                             update_token=sent.response["response_code"],
                             expires_at=ref.expires_at)
    assert ref.expires_at == datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 72 h
    await channel.send(to(), CARD)
    assert len({c.task_id for c in fake_qyapi.sends_to("zhaoqiang")}) == 2  # unique task ids


async def test_a_text_is_a_text_message(channel: WeComChannel, fake_qyapi: FakeQyapi) -> None:
    ref = await channel.send(to(), Text("你好"))
    [sent] = fake_qyapi.sends_to("zhaoqiang")
    assert sent.args["text"] == {"content": "你好"} and ref.native_id == sent.response["msgid"]
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, Text("改了"))


async def test_an_update_spends_the_click_code_then_the_send_code_then_gives_up(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    click(channel, fake_qyapi, ref)
    await channel.update(ref, Card(title="已同意", buttons=(Button("详情", "st:1"),)))
    await channel.update(ref, Text("已撤回\nREQ-1 已被申请人撤回"))
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, Text("再改一次"))
    first, second = fake_qyapi.calls_to("message/update_template_card")
    assert first.args["response_code"] != ref.update_token  # the click's first
    assert second.args["response_code"] == ref.update_token
    assert first.args["userids"] == ["zhaoqiang"]
    assert second.args["template_card"]["replace_text"]  # a text greys the buttons out
    assert second.args["template_card"]["main_title"]["title"] == "已撤回"


async def test_another_members_click_code_is_not_spent_on_this_card(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    click(channel, fake_qyapi, ref, user="chenjing")
    await channel.update(ref, Text("已同意"))
    [update] = fake_qyapi.calls_to("message/update_template_card")
    assert update.args["response_code"] == ref.update_token


async def test_a_refused_code_is_skipped_for_the_next(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    click(channel, fake_qyapi, ref)
    fake_qyapi.fail_next("message/update_template_card", 40058)
    await channel.update(ref, Text("已同意"))
    refused, spent = fake_qyapi.calls_to("message/update_template_card", ok=None)
    assert not refused.ok and spent.ok and spent.args["response_code"] == ref.update_token


async def test_a_throttled_update_keeps_its_code_for_the_retry(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    fake_qyapi.fail_next("message/update_template_card", 45009)
    with pytest.raises(ChannelError) as raised:
        await channel.update(ref, Text("已同意"))
    assert raised.value.retry_after == 42 and not raised.value.permanent
    await channel.update(ref, Text("已同意"))
    assert fake_qyapi.calls_to("message/update_template_card")[0].args["response_code"] == \
        ref.update_token


async def test_an_expired_send_code_is_not_tried(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), CARD)
    assert isinstance(channel.clock, Clock)
    channel.clock.now += timedelta(hours=72)
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, Text("已同意"))
    assert fake_qyapi.calls_to("message/update_template_card", ok=None) == []


async def test_more_than_six_buttons_become_numbered_choices_a_reply_picks(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(), SEVEN)
    [sent] = fake_qyapi.sends_to("zhaoqiang")
    assert sent.args["msgtype"] == "markdown" and "7. 服务7" in sent.text
    reply = MessageReceived(to(), "m1", " 3 ")
    assert await channel.prepare(reply) == ActionInvoked(to(), "m1", "pick:s3")
    assert await channel.prepare(MessageReceived(to(), "m2", "服务7")) == \
        ActionInvoked(to(), "m2", "pick:s7")
    eight = MessageReceived(to(), "m3", "8")
    assert await channel.prepare(eight) == eight
    other = MessageReceived(to("chenjing"), "m4", "3")  # someone else's 3 is just text
    assert await channel.prepare(other) == other
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, SEVEN)  # sent anew, numbered again
    await channel.send(to(), Text("下一个问题"))  # only the last message's numbers count
    three = MessageReceived(to(), "m5", "3")
    assert await channel.prepare(three) == three


async def test_entering_is_a_greeting_at_most_twice_a_day(channel: WeComChannel) -> None:
    entered = Entered(to(), "zhaoqiang:1:enter_agent")
    assert channel.translate(entered) == MessageReceived(to(), entered.event_id, "帮助")
    assert channel.translate(Entered(to(), "zhaoqiang:2:enter_agent")) is None
    assert isinstance(channel.clock, Clock)
    channel.clock.now += timedelta(hours=12)
    assert channel.translate(Entered(to(), "zhaoqiang:3:enter_agent")) is not None


async def test_a_group_chat_gets_appchat_markdown_without_buttons(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    ref = await channel.send(to(chat="wr-it-desk"), CARD)
    [posted] = fake_qyapi.sends_to("wr-it-desk")
    assert posted.args["msgtype"] == "markdown" and "同意" not in posted.text
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, Text("x"))
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(chat="wr-gone"), Text("x"))
    assert raised.value.permanent and "86003" in str(raised.value)


async def test_a_member_over_budget_is_told_to_wait_without_calling_wecom(
    fake_qyapi: FakeQyapi,
) -> None:
    seconds = [1000.0]
    limiter = RecipientLimiter([(60.0, 2), (3600.0, 3)], clock=lambda: seconds[0])
    channel = WeComChannel(WeComApi(fake_qyapi.base_url, fake_qyapi.corp_id, fake_qyapi.secret),
                           corp_id=fake_qyapi.corp_id, agent_id=fake_qyapi.agent_id,
                           limiter=limiter)
    await channel.send(to(), Text("1"))
    await channel.send(to(), Text("2"))
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(), Text("3"))
    assert raised.value.retry_after == 60.0 and not raised.value.permanent
    await channel.send(to("chenjing"), Text("someone else is not held back"))
    seconds[0] += 60.0
    await channel.send(to(), Text("3"))
    seconds[0] += 60.0
    with pytest.raises(ChannelError) as hourly:
        await channel.send(to(), Text("4"))
    assert hourly.value.retry_after == 3600.0 - 120.0
    assert [c.text for c in fake_qyapi.sends_to("zhaoqiang")] == ["1", "2", "3"]
    await channel.stop()


async def test_a_member_wecom_cannot_reach_is_permanent(
    channel: WeComChannel, fake_qyapi: FakeQyapi,
) -> None:
    fake_qyapi.fail_next("message/send", 81013)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("nobody"), Text("hi"))
    assert raised.value.permanent


async def test_a_button_wecom_cannot_carry_is_permanent(channel: WeComChannel) -> None:
    card = Card(title="x", buttons=(Button("go", "a" * 1025),))
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(), card)
    assert raised.value.permanent


async def test_an_unreachable_wecom_is_retried_later() -> None:
    port = free_port()  # a port nobody listens on
    channel = WeComChannel(WeComApi(f"http://127.0.0.1:{port}", "ww1", "s"), corp_id="ww1",
                           agent_id=1)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(), Text("hi"))
    assert not raised.value.permanent and "access_token" not in str(raised.value)
    await channel.stop()


@pytest.mark.parametrize(("corp_id", "secret", "key"), [
    ("ww0wrong", "test-secret", "wecom.corp_id"), ("ww0esmbotdemo", "wrong", "wecom.secret")])
async def test_refused_credentials_stop_start_up_naming_the_key(
    fake_qyapi: FakeQyapi, corp_id: str, secret: str, key: str,
) -> None:
    async def ignore(event: InboundEvent) -> None:
        return None

    channel = WeComChannel(WeComApi(fake_qyapi.base_url, corp_id, secret), corp_id=corp_id,
                           agent_id=1000002)
    with pytest.raises(SetupError, match=rf"^{key}: WeCom refused it"):
        await channel.start(ignore)
    await channel.stop()
