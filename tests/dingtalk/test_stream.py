"""Stream mode end to end: ACKs, pings, redeliveries, a dropped socket, the gateway's
``disconnect``, and the outbox retrying a throttled send."""

from __future__ import annotations

import json

from tests.dingtalk import payloads
from tests.dingtalk.conftest import DingTalkHarness
from tests.dingtalk.fake_dingtalk import CREATE_AND_DELIVER, OPEN_PATH
from tests.dingtalk.steps import ALICE, LAPTOP, dm


async def test_the_connection_subscribes_to_messages_and_card_clicks(
    dingtalk: DingTalkHarness,
) -> None:
    [opened] = dingtalk.fake.calls_to(OPEN_PATH)
    assert opened.body["clientId"] == dingtalk.fake.app_key
    assert opened.body["subscriptions"] == [
        {"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"},
        {"type": "CALLBACK", "topic": "/v1.0/card/instances/callback"}]
    await dingtalk.fake.wait_for_connections(1)


async def test_a_ping_is_answered_with_its_own_data(dingtalk: DingTalkHarness) -> None:
    message_id = dingtalk.fake.push("SYSTEM", "ping", {"opaque": "x"})
    ack = await dingtalk.fake.wait_for_ack(message_id)
    assert ack == {"code": 200, "headers": {"contentType": "application/json",
                                            "messageId": message_id},
                   "message": "OK", "data": '{"opaque": "x"}'}


async def test_a_card_click_is_acked_with_an_empty_answer(dingtalk: DingTalkHarness) -> None:
    await dingtalk.say(ALICE, LAPTOP)
    card = dingtalk.fake.to(dm(ALICE))[-1]
    data = payloads.card_callback(ALICE, card.out_track_id, card.buttons[0]["action_id"])
    ack = await dingtalk.fake.wait_for_ack(dingtalk.fake.push_card_callback(data))
    assert ack["code"] == 200 and json.loads(ack["data"]) == {"response": {}}
    await dingtalk.settle()
    assert "申请原因" in dingtalk.fake.texts_to(dm(ALICE))[-1]


async def test_a_redelivered_message_is_acked_again_and_processed_once(
    dingtalk: DingTalkHarness,
) -> None:
    message = dingtalk.message(ALICE, LAPTOP, msg_id="msgREPEATED01")
    await dingtalk.push(message)
    await dingtalk.settle()
    answered = len(dingtalk.fake.to(dm(ALICE)))
    again = await dingtalk.push(message)  # the same msgId in a new frame
    await dingtalk.settle()
    assert again["code"] == 200
    assert answered > 0 and len(dingtalk.fake.to(dm(ALICE))) == answered
    assert await dingtalk.inbound_ids() == ["msgREPEATED01"]


async def test_a_dropped_websocket_reconnects_and_the_next_message_is_processed(
    dingtalk: DingTalkHarness,
) -> None:
    await dingtalk.say(ALICE, "我的申请")
    before = len(dingtalk.fake.to(dm(ALICE)))
    await dingtalk.fake.drop()
    await dingtalk.fake.wait_for_connections(2)
    assert len(dingtalk.fake.calls_to(OPEN_PATH)) == 2  # a fresh ticket for the new socket
    await dingtalk.say(ALICE, LAPTOP)
    assert len(dingtalk.fake.to(dm(ALICE))) > before
    assert "型号" in dingtalk.fake.texts_to(dm(ALICE))[-1]


async def test_the_gateways_disconnect_is_acked_and_the_client_reconnects(
    dingtalk: DingTalkHarness,
) -> None:
    message_id = dingtalk.fake.push("SYSTEM", "disconnect", {"reason": "server upgrade"})
    ack = await dingtalk.fake.wait_for_ack(message_id)
    assert ack["code"] == 200 and ack["headers"]["messageId"] == message_id
    await dingtalk.fake.wait_for_connections(2)
    await dingtalk.say(ALICE, LAPTOP)
    assert "型号" in dingtalk.fake.texts_to(dm(ALICE))[-1]


async def test_a_callback_whose_data_is_not_json_is_acked_and_skipped(
    dingtalk: DingTalkHarness,
) -> None:
    message_id = dingtalk.fake.push("CALLBACK", "/v1.0/im/bot/messages/get", "not json at all")
    assert (await dingtalk.fake.wait_for_ack(message_id))["code"] == 200
    await dingtalk.settle()
    assert dingtalk.fake.sent == [] and await dingtalk.inbound_ids() == []
    await dingtalk.say(ALICE, LAPTOP)  # the connection is still there and working
    assert "型号" in dingtalk.fake.texts_to(dm(ALICE))[-1]


async def test_a_topic_we_did_not_subscribe_is_answered_not_implemented(
    dingtalk: DingTalkHarness,
) -> None:
    message_id = dingtalk.fake.push("CALLBACK", "/v1.0/im/bot/messages/delegate", {})
    assert (await dingtalk.fake.wait_for_ack(message_id))["code"] == 404


async def test_a_throttled_card_is_sent_again_by_the_outbox_in_order(
    dingtalk: DingTalkHarness,
) -> None:
    dingtalk.fake.fail_next(CREATE_AND_DELIVER, status=429, retry_after=1)
    await dingtalk.push(dingtalk.message(ALICE, LAPTOP))
    await dingtalk.channel.tasks.join()
    [limited] = await dingtalk.fake.wait_for(CREATE_AND_DELIVER, ok=False)
    assert limited.status == 429
    [delivered] = await dingtalk.fake.wait_for(CREATE_AND_DELIVER)
    assert delivered.body["cardData"] == limited.body["cardData"]
    vias = [s.via for s in dingtalk.fake.to(dm(ALICE))]
    assert vias == ["webhook", "card"]
