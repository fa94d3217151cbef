"""Journeys through the real ``POST /slack/events`` endpoint, answered via a fake Slack API."""

from __future__ import annotations

import json
import time

from adapters.slack.action_ids import REASON_MARK
from tests.slack import payloads
from tests.slack.conftest import SlackHarness, signed

ALICE, BOB = "U01ALICE", "U01BOB"
ALICE_DM = "D01ALICE"
LAPTOP = "我要申请一台笔记本，预算8000"


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"token": "t", "challenge": "3eZbrw1aBm2r", "type": "url_verification"})
    response = await slack.post(body, "application/json")
    assert response.status == 200
    assert (await response.json())["challenge"] == "3eZbrw1aBm2r"


async def test_alice_asks_for_a_laptop_in_her_dm_and_gets_a_card_there(
    slack: SlackHarness,
) -> None:
    response = await slack.event(payloads.dm(ALICE, LAPTOP))
    assert response.status == 200
    await slack.settle()
    posts = slack.fake.posts_to(ALICE_DM)
    assert "8,000" in posts[0].args["text"]
    card = posts[-1]
    assert card.args["blocks"] and "型号" in card.args["text"] + json.dumps(card.args["blocks"],
                                                                         ensure_ascii=False)
    assert {b["text"]["text"] for b in card.buttons} >= {"标准办公本", "高性能本"}


async def test_a_forged_signature_is_refused_and_nothing_happens(slack: SlackHarness) -> None:
    body = json.dumps(payloads.event_callback(payloads.dm(ALICE, LAPTOP)))
    response = await slack.post(body, "application/json", signed(body, secret="not-ours"))
    assert response.status == 401
    await slack.settle()
    assert slack.fake.calls_to("chat.postMessage", ok=None) == []
    assert await slack.inbound_ids() == []


async def test_a_stale_timestamp_is_refused(slack: SlackHarness) -> None:
    body = json.dumps(payloads.event_callback(payloads.dm(ALICE, LAPTOP)))
    stale = int(time.time()) - 5 * 60 - 30
    response = await slack.post(body, "application/json", signed(body, timestamp=stale))
    assert response.status == 401
    await slack.settle()
    assert slack.fake.calls_to("chat.postMessage", ok=None) == []


async def test_a_retried_event_is_acked_and_processed_once(slack: SlackHarness) -> None:
    event = payloads.dm(ALICE, LAPTOP)
    first = await slack.event(event, event_id="Ev0RETRY")
    await slack.settle()
    sent = len(slack.fake.posts_to(ALICE_DM))
    retry = await slack.event(event, event_id="Ev0RETRY",
                              headers={"X-Slack-Retry-Num": "1",
                                       "X-Slack-Retry-Reason": "http_timeout"})
    await slack.settle()
    assert first.status == retry.status == 200
    assert sent > 0 and len(slack.fake.posts_to(ALICE_DM)) == sent
    assert await slack.inbound_ids() == ["Ev0RETRY"]


async def test_a_rate_limited_send_is_retried_after_retry_after(slack: SlackHarness) -> None:
    await slack.event(payloads.dm(ALICE, "status"))
    await slack.settle()
    answered = len(slack.fake.posts_to(ALICE_DM))
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    await slack.event(payloads.dm(ALICE, "status", ts="1700000100.000200"))
    await slack.channel.tasks.join()
    [limited] = await slack.fake.wait_for("chat.postMessage", ok=False)
    assert limited.status == 429
    delivered = await slack.fake.wait_for("chat.postMessage", count=2 * answered)
    texts = [c.args["text"] for c in delivered]
    assert texts[answered:] == texts[:answered]  # the same answer again, in its order
    assert texts[answered] == limited.args["text"]  # the limited one was retried first


async def test_clicking_a_choice_moves_the_laptop_form_on(slack: SlackHarness) -> None:
    await slack.event(payloads.dm(ALICE, "我要申请笔记本"))
    await slack.settle()
    card = slack.fake.posts_to(ALICE_DM)[-1]
    choice = card.button("标准办公本")
    response = await slack.interact(payloads.block_actions(
        ALICE, choice["action_id"], value=choice.get("value", ""), channel=ALICE_DM,
        message_ts=card.response["ts"]))
    assert response.status == 200
    await slack.settle()
    assert "预算多少元" in slack.fake.posts_to(ALICE_DM)[-1].args["text"]


async def test_the_bots_own_and_edited_messages_are_ignored(slack: SlackHarness) -> None:
    ours = payloads.dm(payloads.BOT, "卡片", channel=ALICE_DM)
    by_a_bot = payloads.dm(ALICE, "hi", bot_id="B0OTHER", subtype="bot_message")
    edited = payloads.dm(ALICE, "edit", subtype="message_changed")
    for event in (ours, by_a_bot, edited):
        assert (await slack.event(event)).status == 200
    await slack.settle()
    assert slack.fake.calls_to("chat.postMessage", ok=None) == []
    assert await slack.inbound_ids() == []


async def test_a_mention_in_a_channel_is_answered_in_its_thread(slack: SlackHarness) -> None:
    await slack.event(payloads.mention(ALICE, "我要申请笔记本", ts="1700000200.000200"))
    await slack.settle()
    replies = slack.fake.posts_to("C0GENERAL")
    assert replies and all(r.args.get("thread_ts") == "1700000200.000200" for r in replies)
    await slack.event(payloads.mention(ALICE, "标准办公本", ts="1700000201.000300",
                                       thread_ts="1700000200.000200"))
    await slack.settle()
    assert "预算多少元" in slack.fake.posts_to("C0GENERAL")[-1].args["text"]


async def test_a_person_outside_the_directory_is_told_so(slack: SlackHarness) -> None:
    await slack.event(payloads.dm("U0STRANGER", "hello"))
    await slack.settle()
    [reply] = slack.fake.posts_to("D0STRANGER")
    assert reply.args["text"]


async def test_a_reject_click_opens_a_modal_and_its_reason_reaches_the_core(
    slack: SlackHarness,
) -> None:
    click = payloads.block_actions(BOB, REASON_MARK + "apr:1:bob:reject", trigger_id="9.9.trigger")
    assert (await slack.interact(click)).status == 200
    await slack.settle()
    [opened] = slack.fake.calls_to("views.open")
    assert opened.args["trigger_id"] == "9.9.trigger"
    assert await slack.inbound_ids() == []  # nothing decided until the reason is given
    view = opened.args["view"]
    submission = payloads.view_submission(BOB, view["private_metadata"], "预算超标", view_id="V9")
    response = await slack.interact(submission)
    assert response.status == 200
    await slack.settle()
    assert await slack.inbound_ids() == ["view:V9:click"]  # one click, carrying the reason


async def test_an_empty_reason_keeps_the_modal_open(slack: SlackHarness) -> None:
    submission = payloads.view_submission(BOB, '{"a":"apr:1:bob:reject"}', "   ")
    response = await slack.interact(submission)
    assert (await response.json())["response_action"] == "errors"
    await slack.settle()
    assert await slack.inbound_ids() == []


async def test_when_the_modal_cannot_open_the_click_goes_to_the_core(slack: SlackHarness) -> None:
    slack.fake.fail_next("views.open", status=200, error="expired_trigger_id", retry_after=None)
    click = payloads.block_actions(BOB, REASON_MARK + "apr:1:bob:reject",
                                   action_ts="1700000400.000001")
    assert (await slack.interact(click)).status == 200
    await slack.settle()
    assert await slack.inbound_ids() == [f"act:1700000400.000001:{BOB}"]
    assert slack.fake.posts_to("D01BOB")  # the core answered in chat


async def test_healthz_lists_the_slack_channel(slack: SlackHarness) -> None:
    response = await slack.http.get("/healthz")
    assert "slack" in (await response.json())["channels"]


async def test_bob_rejects_in_the_modal_and_his_card_is_updated_in_place(
    slack: SlackHarness,
) -> None:
    await slack.event(payloads.dm(ALICE, "我要申请一台笔记本，预算800"))
    await slack.settle()
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "标准办公本")
    await slack.event(payloads.dm(ALICE, "办公开发使用", ts="1700000100.000300"))
    await slack.settle()
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "提交")
    card = slack.fake.posts_to("D01BOB")[-1]
    await slack.tap(BOB, card, "驳回")
    [opened] = slack.fake.calls_to("views.open")
    reason = payloads.view_submission(BOB, opened.args["view"]["private_metadata"], "预算超标")
    await slack.interact(reason)
    await slack.settle()
    [update] = slack.fake.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("D01BOB", card.response["ts"])
    assert "预算超标" in update.args["text"]
    to_bob = [c.args["text"] for c in slack.fake.posts_to("D01BOB")]
    assert not [t for t in to_bob if "请写下驳回" in t]  # the modal asked; the core did not
    assert "已驳回 REQ-1" in to_bob[-1]
    assert not [b for b in update.buttons if b["action_id"].startswith("apr:")]
    assert "预算超标" in slack.fake.posts_to(ALICE_DM)[-1].args["text"]
