"""``DingTalkChannel`` against the fake OpenAPI: where sends go, the token, updates, errors."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.openapi import OpenApi
from adapters.kit.errors import SetupError
from chat.channel import ChannelError, UpdateUnsupported
from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Button, Card, Text
from devtools.host import free_port
from tests.dingtalk.fake_dingtalk import (
    BATCH_SEND,
    CARD_INSTANCES,
    CREATE_AND_DELIVER,
    GROUP_SEND,
    TOKEN_PATH,
    WEBHOOK_PATH,
    FakeDingTalk,
)

CARD = Card(title="审批 REQ-1 笔记本电脑申请", body="预算 ¥8,000",
            buttons=(Button("同意", "apr:1:bob:approve", style="primary"),
                     Button("驳回", "apr:1:bob:reject", style="danger")))
BOB, GROUP = "0100000002", "cid-it-desk"


def to(user: str, conversation: str = "") -> ConversationKey:
    return ConversationKey("dingtalk", "", conversation, user)


async def ignore(event: InboundEvent) -> None:
    return None


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def make(fake: FakeDingTalk, session: aiohttp.ClientSession, *, template: str = "tpl-1",
         secret: str = "", base_url: str = "") -> DingTalkChannel:
    config = DingTalkSettings(app_key=fake.app_key, app_secret=secret or fake.app_secret,
                              card_template_id=template, api_base_url=base_url or fake.url,
                              session_webhook_url=(base_url or fake.url) + WEBHOOK_PATH)
    api = OpenApi(session, config.api_base_url, config.app_key,
                  config.app_secret.get_secret_value())
    return DingTalkChannel(api, config)


@pytest.fixture
async def channel(fake_dingtalk: FakeDingTalk, session: aiohttp.ClientSession
                  ) -> AsyncIterator[DingTalkChannel]:
    channel = make(fake_dingtalk, session)
    await channel.start(ignore)
    yield channel
    await channel.stop()


async def test_a_text_to_a_person_goes_by_batch_send_with_a_json_string_param(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    ref = await channel.send(to(BOB), Text("你好"))
    [call] = fake_dingtalk.calls_to(BATCH_SEND)
    assert call.body == {"robotCode": fake_dingtalk.app_key, "userIds": [BOB],
                         "msgKey": "sampleText", "msgParam": json.dumps({"content": "你好"},
                                                                        ensure_ascii=False)}
    assert call.token.startswith("token-")
    assert ref.native_id.startswith("pqk-") and ref.update_token is None


async def test_a_text_to_a_group_goes_by_group_send(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    await channel.send(to("", GROUP), Text("TASK-2 待认领"))
    [call] = fake_dingtalk.calls_to(GROUP_SEND)
    assert call.body["openConversationId"] == GROUP and call.body["msgKey"] == "sampleText"


async def test_a_card_is_an_interactive_card_updated_in_place(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    ref = await channel.send(to(BOB), CARD)
    [delivery] = fake_dingtalk.calls_to(CREATE_AND_DELIVER)
    assert ref == MessageRef("dingtalk", "", delivery.body["outTrackId"], update_token="card")
    assert delivery.body["imRobotOpenDeliverModel"]["spaceType"] == "IM_ROBOT"
    params = delivery.body["cardData"]["cardParamMap"]
    assert [b["style"] for b in json.loads(params["buttons"])] == ["primary", "danger"]
    assert await channel.update(ref, Text("已同意 · Approved")) == ref
    [put] = fake_dingtalk.calls_to(CARD_INSTANCES)
    assert put.method == "PUT" and put.body["outTrackId"] == ref.native_id
    assert put.body["cardData"]["cardParamMap"]["has_buttons"] == "false"
    assert "已同意" in put.body["cardData"]["cardParamMap"]["markdown"]


async def test_a_group_card_is_delivered_to_the_group_with_the_robot_code(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    ref = await channel.send(to("", GROUP), CARD)
    [delivery] = fake_dingtalk.calls_to(CREATE_AND_DELIVER)
    assert delivery.body["openSpaceId"] == f"dtv1.card//IM_GROUP.{GROUP}"
    assert delivery.body["imGroupOpenDeliverModel"] == {"robotCode": fake_dingtalk.app_key}
    assert channel.cards[ref.native_id] == GROUP


async def test_only_interactive_cards_can_be_updated(channel: DingTalkChannel) -> None:
    ref = await channel.send(to(BOB), Text("hi"))
    with pytest.raises(UpdateUnsupported):
        await channel.update(ref, Text("edited"))
    with pytest.raises(UpdateUnsupported):  # DingTalk does not know this card
        await channel.update(MessageRef("dingtalk", "", "esm-gone", "card"), Text("x"))


async def test_the_token_is_cached_and_fetched_again_after_a_401(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    await channel.send(to(BOB), Text("one"))
    await channel.send(to(BOB), Text("two"))
    assert len(fake_dingtalk.calls_to(TOKEN_PATH)) == 1
    fake_dingtalk.expire_tokens()
    await channel.send(to(BOB), Text("three"))
    [refused] = fake_dingtalk.calls_to(BATCH_SEND, ok=False)
    assert refused.status == 401
    assert len(fake_dingtalk.calls_to(TOKEN_PATH)) == 2
    assert [s.text for s in fake_dingtalk.to("@" + BOB)] == ["one", "two", "three"]


async def test_throttling_carries_retry_after(channel: DingTalkChannel,
                                              fake_dingtalk: FakeDingTalk) -> None:
    fake_dingtalk.fail_next(BATCH_SEND, status=429, retry_after=7)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(BOB), Text("hi"))
    assert raised.value.retry_after == 7.0 and not raised.value.permanent


async def test_a_qps_limit_code_is_throttling_whatever_the_status(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    fake_dingtalk.fail_next(GROUP_SEND, status=403, retry_after=None,
                            code="Forbidden.AccessDenied.QpsLimitForApi")
    with pytest.raises(ChannelError) as raised:
        await channel.send(to("", GROUP), Text("hi"))
    assert not raised.value.permanent


async def test_a_bad_parameter_is_permanent(channel: DingTalkChannel,
                                            fake_dingtalk: FakeDingTalk) -> None:
    fake_dingtalk.fail_next(BATCH_SEND, status=400, code="InvalidParameter", retry_after=None)
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(BOB), Text("hi"))
    assert raised.value.permanent and "InvalidParameter" in str(raised.value)


async def test_a_valid_session_webhook_is_used_and_a_failing_one_falls_back(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    now_ms = int(time.time() * 1000)
    expires = now_ms + 90 * 60 * 1000
    channel.webhooks.remember("@" + BOB, fake_dingtalk.session_webhook("@" + BOB), expires,
                              created_ms=now_ms, now_ms=now_ms)
    await channel.send(to(BOB), Text("by webhook"))
    fake_dingtalk.fail_next(WEBHOOK_PATH)
    await channel.send(to(BOB), Text("by the OpenAPI"))
    await channel.send(to(BOB), Text("still by the OpenAPI"))  # the failed hook is forgotten
    assert [(s.via, s.text) for s in fake_dingtalk.to("@" + BOB)] == [
        ("webhook", "by webhook"), ("batchSend", "by the OpenAPI"),
        ("batchSend", "still by the OpenAPI")]


async def test_a_session_webhook_about_to_expire_is_not_used(
    channel: DingTalkChannel, fake_dingtalk: FakeDingTalk,
) -> None:
    now_ms = int(time.time() * 1000)
    channel.webhooks.remember("@" + BOB, fake_dingtalk.session_webhook("@" + BOB),
                              now_ms + 30_000, created_ms=now_ms, now_ms=now_ms)
    await channel.send(to(BOB), Text("hi"))
    assert [s.via for s in fake_dingtalk.to("@" + BOB)] == ["batchSend"]


async def test_refused_credentials_stop_start_up_naming_the_keys(
    fake_dingtalk: FakeDingTalk, session: aiohttp.ClientSession,
) -> None:
    channel = make(fake_dingtalk, session, secret="wrong-secret")
    with pytest.raises(SetupError, match=r"dingtalk\.app_key / dingtalk\.app_secret"):
        await channel.start(ignore)


async def test_an_unreachable_dingtalk_is_retried_later(session: aiohttp.ClientSession
                                                        ) -> None:
    port = free_port()  # a port nobody listens on
    fake = FakeDingTalk()
    channel = make(fake, session, base_url=f"http://127.0.0.1:{port}")
    await channel.start(ignore)  # a warning, not a failure
    with pytest.raises(ChannelError) as raised:
        await channel.send(to(BOB), Text("hi"))
    assert not raised.value.permanent
