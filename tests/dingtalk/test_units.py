"""The pure parts: signatures, frames, payload parsing, rendering, numbered replies."""

from __future__ import annotations

import json
from typing import Any

from adapters.dingtalk import frames, inbound, render, signing, webhooks
from adapters.dingtalk.stream import backoff
from adapters.kit.choices import MemoryChoices, NumberedChoices, conversation_of, numbered, pick
from chat.channel import Capabilities, degrade
from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef
from chat.replies import Button, Card, CardField, Text
from tests.dingtalk import payloads

HOOK = "https://oapi.dingtalk.com/robot/sendBySession?session=x"
CARD = Card(title="审批 REQ-1", body="预算 ¥800\n请审批", fields=(CardField("型号", "标准办公本"),),
            buttons=(Button("同意", "apr:1:bob:approve", style="primary"),
                     Button("驳回", "apr:1:bob:reject", "r", style="danger")),
            footer="也可以回复「同意 REQ-1」")
PLAIN = degrade(CARD, Capabilities(buttons=False))  # what the core sends without a template

# --- signing (CHANNELS.md §3.5 vectors) -----------------------------------------------------


def test_the_signature_matches_the_published_vectors() -> None:
    assert signing.sign("1577262236757", "this is secret") == \
        "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="
    assert signing.sign("1577262236757", "this is a secret") == \
        "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="


def test_refusal_says_why() -> None:
    now = 1577262236757
    good = signing.sign(str(now), "s")
    assert signing.refusal(str(now), good, "s", now) is None
    window = 300_000
    assert signing.refusal(str(now), good, "s", now + window, window) is None  # just in time
    assert signing.refusal(str(now), good, "s", now - window, window) is None
    assert signing.refusal(str(now), good, "s", now + window + 1, window) == \
        "timestamp more than 300 s off"
    assert signing.refusal(str(now), good, "s", now + 60 * 60 * 1000 + 1) == \
        "timestamp more than 3600 s off"  # DingTalk's own rule, the widest allowed
    assert signing.refusal(str(now), good, "other", now) == "wrong sign"
    assert signing.refusal("soon", good, "s", now) == "timestamp is not a number"
    assert signing.refusal(None, good, "s", now) == "missing timestamp or sign header"


# --- frames ----------------------------------------------------------------------------------


def test_a_callback_ack_wraps_the_answer_in_response() -> None:
    frame = frames.parse(json.dumps({"specVersion": "1.0", "type": "CALLBACK",
                                     "headers": {"topic": frames.BOT_MESSAGE_TOPIC,
                                                 "messageId": "m-1"},
                                     "data": json.dumps({"msgId": "x"})}))
    assert frame.data() == {"msgId": "x"} and frame.topic == frames.BOT_MESSAGE_TOPIC
    assert frames.callback_ack(frame, "OK") == {
        "code": 200, "headers": {"contentType": "application/json", "messageId": "m-1"},
        "message": "OK", "data": '{"response": "OK"}'}


def test_a_frame_without_headers_is_not_a_frame() -> None:
    for text in ("nope", "[]", '{"type": "SYSTEM"}'):
        try:
            frames.parse(text)
        except frames.FrameError:
            continue
        raise AssertionError(text)


def test_reconnect_backoff_grows_and_is_capped() -> None:
    assert backoff(0) == 0.0
    assert 0.5 <= backoff(1) <= 1.0 and 4.0 <= backoff(4) <= 8.0
    assert 30.0 <= backoff(50) <= 60.0


# --- inbound ---------------------------------------------------------------------------------


def test_a_one_to_one_message_is_keyed_to_the_person() -> None:
    data = payloads.robot_message("0100000001", "你好", webhook=HOOK, msg_id="msg1",
                                  created_ms=1_700_000_000_000)
    message = inbound.robot_message(data)
    assert message is not None and not message.in_group
    assert message.event.key == ConversationKey("dingtalk", "", "", "0100000001")
    assert message.event.event_id == "msg1" and message.event.text == "你好"
    assert message.webhook == HOOK
    assert message.webhook_expires_ms == 1_700_000_000_000 + payloads.WEBHOOK_LIFETIME_MS


def test_a_group_mention_is_keyed_to_the_group_without_the_leading_space() -> None:
    data = payloads.robot_message("0100000003", "我的任务", webhook=HOOK, group="cid-it-desk")
    assert data["text"]["content"] == " 我的任务"
    message = inbound.robot_message(data)
    assert message is not None and message.in_group
    assert message.event.key.conversation == "cid-it-desk" and message.event.text == "我的任务"


def test_rich_text_and_speech_are_read_and_pictures_ignored() -> None:
    base = payloads.robot_message("u1", "x", webhook=HOOK)
    rich = {**base, "msgtype": "richText",
            "content": {"richText": [{"text": "预算"}, {"downloadCode": "d", "type": "picture"},
                                     {"text": "800"}]}}
    audio = {**base, "msgtype": "audio", "content": {"recognition": "我要请假"}}
    picture = {**base, "msgtype": "picture", "content": {"downloadCode": "d"}}
    assert inbound.message_text(rich) == "预算800"
    assert inbound.message_text(audio) == "我要请假"
    assert inbound.robot_message(picture) is None


def test_a_sender_without_staff_id_is_keyed_by_sender_id() -> None:
    data = payloads.robot_message("u1", "hi", webhook=HOOK)
    del data["senderStaffId"]
    message = inbound.robot_message(data)
    assert message is not None and message.event.key.user == "$:LWCP_v1:$u1"


def test_a_card_click_reads_the_post_back_params() -> None:
    click = inbound.card_click(payloads.card_callback("0100000002", "esm-1", "apr:1:bob:approve",
                                                      "v"))
    assert click is not None and not click.in_group
    assert (click.user, click.action_id, click.value) == ("0100000002", "apr:1:bob:approve", "v")
    event = inbound.click_event(click, "card:m-1", "")
    assert event == ActionInvoked(ConversationKey("dingtalk", "", "", "0100000002"), "card:m-1",
                                  "apr:1:bob:approve", "v",
                                  MessageRef("dingtalk", "", "esm-1", update_token="card"))


def test_a_card_click_in_a_group_is_answered_in_the_group() -> None:
    data = payloads.card_callback("0100000003", "esm-2", "tsk:2:claim", group="cid-it-desk")
    click = inbound.card_click(data)
    assert click is not None and click.in_group
    assert inbound.click_event(click, "e", None).key.conversation == "cid-it-desk"
    assert inbound.click_event(click, "e", "cid-known").key.conversation == "cid-known"


def test_a_template_whose_button_sets_the_action_id_works_too() -> None:
    data = {"outTrackId": "esm-3", "userId": "u1",
            "content": {"cardPrivateData": {"actionIds": ["cfm:1:yes"], "params": {}}}}
    click = inbound.card_click(data)
    assert click is not None and click.action_id == "cfm:1:yes"
    assert inbound.card_click({"outTrackId": "esm-3", "userId": "u1", "content": "{}"}) is None


# --- render ----------------------------------------------------------------------------------


def test_card_params_are_all_strings_with_buttons_as_json() -> None:
    params = render.card_params(CARD)
    assert all(isinstance(v, str) for v in params.values())
    assert params["title"] == "审批 REQ-1" and params["has_buttons"] == "true"
    assert json.loads(params["buttons"]) == [
        {"text": "同意", "action_id": "apr:1:bob:approve", "value": "", "style": "primary",
         "color": "blue"},
        {"text": "驳回", "action_id": "apr:1:bob:reject", "value": "r", "style": "danger",
         "color": "red"}]
    assert params["markdown"] == "预算 ¥800  \n请审批\n\n**型号**: 标准办公本"
    assert "审批 REQ-1" not in params["markdown"]  # the template shows the title itself


def test_without_a_template_a_card_is_markdown_with_numbered_choices() -> None:
    key, param = render.robot_message(PLAIN)
    assert key == "sampleMarkdown" and param["title"] == "审批 REQ-1"
    assert param["text"].startswith("#### 审批 REQ-1\n\n预算 ¥800  \n请审批")
    assert "回复数字选择 · Reply with a number: **1** 同意 · **2** 驳回" in param["text"]
    assert render.robot_message(Text("你好")) == ("sampleText", {"content": "你好"})


def test_webhook_bodies_notify_the_sender_in_a_group() -> None:
    assert render.webhook_message(Text("hi")) == {"msgtype": "text", "text": {"content": "hi"}}
    body = render.webhook_message(PLAIN, at_user="u1")
    assert body["msgtype"] == "markdown" and body["at"] == {"atUserIds": ["u1"]}


def test_long_texts_are_clipped() -> None:
    _, param = render.robot_message(Text("字" * 5000))
    assert len(param["content"]) == render.TEXT_LIMIT and param["content"].endswith("…")
    assert render.title_of(Text("")) == "esmbot"


# --- numbered replies ------------------------------------------------------------------------


def said(text: str, conversation: str = "", user: str = "u1") -> MessageReceived:
    return MessageReceived(ConversationKey("dingtalk", "", conversation, user), "m1", text)


async def test_a_number_or_a_label_clicks_the_latest_cards_button() -> None:
    choices = NumberedChoices()
    ref = MessageRef("dingtalk", "", "pqk-1")
    await choices.shown(said("").key, numbered(PLAIN), ref)
    click = await choices.as_click(said("2"))
    assert click is not None and (click.action_id, click.value, click.source) == \
        ("apr:1:bob:reject", "r", ref)
    assert await choices.as_click(said(" 同意 ")) is not None
    assert await choices.as_click(said("3")) is None
    assert await choices.as_click(said("同意 REQ-1")) is None
    assert await choices.as_click(said("1", user="u2")) is None  # someone else's chat


async def test_a_plain_message_after_a_card_makes_numbers_text_again() -> None:
    choices = NumberedChoices()
    await choices.shown(said("", conversation="cid-1").key, numbered(PLAIN), None)
    assert await choices.as_click(said("1", conversation="cid-1", user="anyone")) is not None
    await choices.shown(said("", conversation="cid-1").key, numbered(Text("申请原因？")), None)
    assert await choices.as_click(said("1", conversation="cid-1")) is None
    assert pick(CARD.buttons, "１") == CARD.buttons[0]  # a full-width digit


# --- sessionWebhooks: only DingTalk's, never longer than DingTalk keeps them ----------------


def test_only_a_session_webhook_on_dingtalks_host_and_path_is_believed() -> None:
    ours = "https://oapi.dingtalk.com/robot/sendBySession"
    assert webhooks.on_dingtalk(f"{ours}?session=abc", ours)
    assert webhooks.on_dingtalk("https://OAPI.dingtalk.com/robot/sendBySession?session=a", ours)
    for elsewhere in ("https://oapi.dingtalk.com.evil.example/robot/sendBySession?session=a",
                      "https://oapi.dingtalk.com@evil.example/robot/sendBySession?session=a",
                      "http://oapi.dingtalk.com/robot/sendBySession?session=a",
                      "https://oapi.dingtalk.com/robot/send?access_token=a",
                      "https://oapi.dingtalk.com/robot/sendBySession",
                      "https://oapi.dingtalk.com:8443/robot/sendBySession?session=a",
                      "https://[::1/robot/sendBySession?session=a", "", "not a url"):
        assert not webhooks.on_dingtalk(elsewhere, ours), elsewhere


def test_a_session_webhooks_expiry_is_capped_at_its_message_plus_90_minutes() -> None:
    now = 1_800_000_000_000
    lifetime = webhooks.LIFETIME_MS
    assert webhooks.capped_expiry(now + 1000, now, now) == now + 1000  # as claimed
    assert webhooks.capped_expiry(4_102_444_800_000, now, now) == now + lifetime
    assert webhooks.capped_expiry(4_102_444_800_000, now + 10**9, now) == now + lifetime
    assert webhooks.capped_expiry(4_102_444_800_000, 0, now) == now + lifetime
    hooks = webhooks.SessionWebhooks("https://oapi.dingtalk.com/robot/sendBySession")
    url = "https://oapi.dingtalk.com/robot/sendBySession?session=s"
    assert not hooks.remember("@bob", url, 4_102_444_800_000, created_ms=now - lifetime,
                              now_ms=now)  # written 90 minutes ago: already gone
    assert hooks.remember("@bob", url, 4_102_444_800_000, created_ms=now, now_ms=now)
    assert hooks.usable("@bob", now + lifetime - webhooks.MARGIN_MS - 1) == url
    assert hooks.usable("@bob", now + lifetime - webhooks.MARGIN_MS) is None


async def test_a_garbled_stored_row_offers_nothing() -> None:
    store = MemoryChoices()
    choices = NumberedChoices(store)
    await store.remember_choices(conversation_of(said("").key), {"buttons": [{"oops": 1}]})
    assert await choices.as_click(said("1")) is None
    assert await choices.offered(said("").key) == ()


class BrokenStore:
    async def remember_choices(self, conversation: str, shown: dict[str, Any] | None) -> None:
        raise OSError("database unreachable")

    async def choices_in(self, conversation: str) -> dict[str, Any] | None:
        raise OSError("database unreachable")


async def test_a_failing_store_neither_fails_the_send_nor_loses_the_message() -> None:
    choices = NumberedChoices(BrokenStore())
    await choices.shown(said("").key, numbered(PLAIN), None)  # logged, not raised
    assert await choices.as_click(said("1")) is None  # the "1" goes on as text
