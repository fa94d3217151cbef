"""The channel contract: the same cases against every channel, each on its platform's fake
server (real SDKs over HTTP, no mocks): send, update, numbered choice, throttled send, and the
answer to a click on an old card.

The core's side of each case is played by the test as the core plays it: it degrades a card
for the channel (``chat.channel.degrade``) before sending, and answers a click by sending to
the click's key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from chat.channel import ChannelError, UpdateUnsupported, degrade
from chat.events import ActionInvoked, MessageReceived
from chat.replies import Button, Card, Text
from tests.adapters import rigs
from tests.adapters.rigs import Rig

CHANNELS = ["console", "slack", "wecom", "dingtalk", "dingtalk-markdown", "web"]
APPROVAL = Card(title="审批 REQ-1 笔记本电脑", body="预算 ¥8,000",
                buttons=(Button("同意", "apr:1:bob:approve", "1", style="primary"),
                         Button("详情", "st:1")))
DECIDED = Card(title="已同意 REQ-1 笔记本电脑", body="赵强 同意", buttons=(Button("详情", "st:1"),))
SERVICES = Card(title="选一个服务", buttons=tuple(Button(f"服务{i}", f"pick:s{i}", str(i))
                                                 for i in range(1, 31)))  # more than any shows


THROTTLED = [name for name in CHANNELS if name not in ("console", "web")]  # never throttled
CLICKABLE = [name for name in CHANNELS if name != "dingtalk-markdown"]  # numbers stand for buttons


def open_rig(name: str) -> AbstractAsyncContextManager[Rig]:
    made = {"console": rigs.console, "slack": rigs.slack, "wecom": rigs.wecom, "web": rigs.web,
            "dingtalk": lambda: rigs.dingtalk(template="tpl-esmbot"),
            "dingtalk-markdown": lambda: rigs.dingtalk(template="")}[name]
    return made()


@pytest.fixture(params=CHANNELS)
async def rig(request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    async with open_rig(request.param) as ready:
        yield ready


@pytest.fixture(params=THROTTLED)
async def throttled_rig(request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    async with open_rig(request.param) as ready:
        yield ready


@pytest.fixture(params=CLICKABLE)
async def clickable_rig(request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    async with open_rig(request.param) as ready:
        yield ready


async def send(rig: Rig, message: Text | Card) -> object:
    """What the core's outbox does: fit the message to the channel, then send it."""
    return await rig.channel.send(rig.person, degrade(message, rig.channel.capabilities))


async def test_a_text_reaches_the_person_and_names_its_message(rig: Rig) -> None:
    ref = await rig.channel.send(rig.person, Text("你好，Bob"))
    assert ref.channel == rig.channel.name and ref.native_id
    assert "你好，Bob" in rig.texts()[-1]


async def test_a_card_is_updated_in_place_where_the_channel_can(rig: Rig) -> None:
    ref = await rig.channel.send(rig.person, degrade(APPROVAL, rig.channel.capabilities))
    if not rig.channel.capabilities.can_update:
        with pytest.raises(UpdateUnsupported):
            await rig.channel.update(ref, degrade(DECIDED, rig.channel.capabilities))
        return
    updated = await rig.channel.update(ref, degrade(DECIDED, rig.channel.capabilities))
    assert updated.native_id == ref.native_id
    assert "已同意 REQ-1" in rig.now(ref)


async def test_a_number_picks_a_choice_of_the_latest_card_only(rig: Rig) -> None:
    card = degrade(SERVICES, rig.channel.capabilities)
    assert isinstance(card, Card) and card.choices == SERVICES.buttons  # none is dropped
    await rig.channel.send(rig.person, card)
    assert "服务30" in rig.texts()[-1]
    await rig.write(" 2 ")
    [picked] = rig.heard
    assert isinstance(picked, ActionInvoked)
    assert (picked.action_id, picked.value, picked.key.user) == \
        ("pick:s2", "2", rig.person.user)
    await rig.write("服务7")
    assert isinstance(rig.heard[-1], ActionInvoked) and rig.heard[-1].action_id == "pick:s7"
    await rig.channel.send(rig.person, Text("申请原因？"))
    await rig.write("2")  # after a plain question a number is just text
    assert isinstance(rig.heard[-1], MessageReceived) and rig.heard[-1].text == "2"


async def test_a_throttled_send_says_when_to_try_again(throttled_rig: Rig) -> None:
    rig = throttled_rig
    assert rig.throttle_next is not None
    seconds = rig.throttle_next()
    with pytest.raises(ChannelError) as raised:
        await rig.channel.send(rig.person, Text("hi"))
    assert raised.value.retry_after == seconds and not raised.value.permanent
    await rig.channel.send(rig.person, Text("hi again"))  # the next one goes out
    assert "hi again" in rig.texts()[-1]


async def test_a_click_on_an_old_card_reaches_the_core_and_its_answer_the_clicker(
    clickable_rig: Rig,
) -> None:
    rig = clickable_rig
    assert rig.channel.capabilities.buttons
    ref = await rig.channel.send(rig.person, degrade(APPROVAL, rig.channel.capabilities))
    await rig.channel.send(rig.person, Text("REQ-1 已由孙伟审批"))  # the card is old now
    await rig.click(ref, "apr:1:bob:approve")
    [clicked] = rig.heard
    assert isinstance(clicked, ActionInvoked) and clicked.action_id == "apr:1:bob:approve"
    assert clicked.key.user == rig.person.user
    await rig.channel.send(clicked.key, Text("REQ-1 的当前环节不需要你审批"))
    assert "不需要你审批" in rig.texts()[-1]
