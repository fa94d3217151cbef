"""The laptop request from alice's first message to closed, over the DingTalk stream.

alice writes in Chinese to the robot; bob approves on his interactive card (the click comes as
a card callback, the card is updated with PUT); kate works TASK-1 from her one-to-one chat;
TASK-2 goes to the IT desk's group, where carol claims it; alice confirms and rates. Every step
waits for the ACK and a drained outbox, never for time.
"""

from __future__ import annotations

import json

from tests.dingtalk.conftest import TEMPLATE, DingTalkHarness
from tests.dingtalk.fake_dingtalk import BATCH_SEND, CREATE_AND_DELIVER, GROUP_SEND
from tests.dingtalk.steps import (
    ALICE,
    BOB,
    CAROL,
    IT_DESK,
    KATE,
    LAPTOP,
    dm,
    file_the_laptop,
    status_of,
    trail,
)


async def test_alices_message_is_acked_and_answered_in_her_chat(dingtalk: DingTalkHarness
                                                                 ) -> None:
    ack = await dingtalk.push(dingtalk.message(ALICE, LAPTOP))
    assert ack["code"] == 200 and json.loads(ack["data"]) == {"response": "OK"}
    await dingtalk.settle()
    [greeting, question] = dingtalk.fake.to(dm(ALICE))
    assert greeting.via == "webhook" and "¥800" in greeting.text  # a reply, by sessionWebhook
    assert question.via == "card" and "型号" in question.text  # buttons: an interactive card
    assert [b["text"] for b in question.buttons] == ["标准办公本", "高性能本"]
    [delivery] = dingtalk.fake.calls_to(CREATE_AND_DELIVER)
    assert delivery.body["cardTemplateId"] == TEMPLATE
    assert delivery.body["callbackType"] == "STREAM"
    assert delivery.body["openSpaceId"] == f"dtv1.card//IM_ROBOT.{ALICE}"


async def test_a_laptop_goes_from_alices_chat_to_closed_through_dingtalk(
    dingtalk: DingTalkHarness,
) -> None:
    fake = dingtalk.fake
    await file_the_laptop(dingtalk)

    # bob's approval card comes to his one-to-one chat; his click is a card callback
    approval = fake.card_with(dm(BOB), "apr:1:bob:approve")
    await dingtalk.tap(BOB, approval, "同意")
    [decided] = fake.updates_of(approval)
    assert "已同意" in fake.now(approval).text
    assert [b["action_id"] for b in fake.now(approval).buttons] == ["st:1"]
    assert decided.body["outTrackId"] == approval.out_track_id

    # kate: procurement has no group chat, so TASK-1 comes to her one-to-one chat
    task_1 = fake.card_with(dm(KATE), "tsk:1:claim")
    await dingtalk.tap(KATE, task_1, "认领")
    assert "你已认领 TASK-1" in fake.texts_to(dm(KATE))[-1]
    assert not fake.to(IT_DESK)  # TASK-2 waits for TASK-1
    await dingtalk.tap(KATE, task_1, "完成")
    assert "已完成 TASK-1" in fake.texts_to(dm(KATE))[-1]
    assert "已完成" in fake.now(task_1).text

    # the IT desk: TASK-2 is a card in its group; carol claims it there, and is answered there
    [task_2] = fake.to(IT_DESK)
    assert task_2.via == "card" and "TASK-2" in task_2.text
    await dingtalk.tap(CAROL, task_2, "认领")
    claimed = fake.to(IT_DESK)[-1]
    assert claimed.via == "groupSend" and "你已认领 TASK-2" in claimed.text
    assert "陈静 处理中" in fake.now(task_2).text
    # carol's own card, with Done, comes to her one-to-one chat
    own = fake.card_with(dm(CAROL), "tsk:2:done")
    await dingtalk.tap(CAROL, own, "完成")
    assert "已完成 TASK-2" in fake.texts_to(dm(CAROL))[-1]
    assert "陈静 已完成" in fake.now(task_2).text
    assert "陈静 已完成" in fake.now(own).text

    # alice confirms and rates, each card updated in place
    assert await status_of(dingtalk) == "resolved"
    confirm = fake.card_with(dm(ALICE), "cfm:1:yes")
    await dingtalk.tap(ALICE, confirm, "是，已解决")
    assert "已关闭" in fake.now(confirm).text
    survey = fake.card_with(dm(ALICE), "csat:1:5")
    await dingtalk.tap(ALICE, survey, "5")
    assert "★★★★★" in fake.now(survey).text

    assert await status_of(dingtalk) == "closed"
    actors = [(e.action, e.actor) for e in await trail(dingtalk)
              if e.action in ("approval.approved", "task.done", "request.closed")]
    assert actors == [("approval.approved", "bob"), ("task.done", "kate"),
                      ("task.done", "carol"), ("request.closed", "alice")]
    for path in (BATCH_SEND, GROUP_SEND, CREATE_AND_DELIVER, "/v1.0/card/instances"):
        assert not fake.calls_to(path, ok=False)
    assert len(fake.calls_to("/v1.0/oauth2/accessToken")) == 1  # cached all along


async def test_a_click_by_someone_who_may_not_decide_is_refused(dingtalk: DingTalkHarness
                                                                ) -> None:
    fake = dingtalk.fake
    await file_the_laptop(dingtalk)
    approval = fake.card_with(dm(BOB), "apr:1:bob:approve")
    await dingtalk.click(CAROL, approval, "apr:1:bob:approve")  # a forwarded card, say

    [refusal] = fake.to(dm(CAROL))
    assert "REQ-1 的当前环节不需要你审批" in refusal.text and not refusal.buttons
    assert await status_of(dingtalk) == "pending_approval"
    assert not [e for e in await trail(dingtalk) if e.action == "approval.approved"]
    assert fake.updates_of(approval) == []  # bob's card still asks him
    assert fake.now(approval).buttons == approval.buttons


async def test_bob_rejects_and_is_asked_for_the_reason_in_chat(dingtalk: DingTalkHarness
                                                                ) -> None:
    fake = dingtalk.fake
    await file_the_laptop(dingtalk)
    approval = fake.card_with(dm(BOB), "apr:1:bob:reject")
    await dingtalk.tap(BOB, approval, "驳回")
    assert "请写下驳回 REQ-1 的原因" in fake.texts_to(dm(BOB))[-1]
    await dingtalk.say(BOB, "预算超标")
    assert await status_of(dingtalk) == "rejected"
    assert "预算超标" in fake.now(approval).text
    assert "预算超标" in fake.texts_to(dm(ALICE))[-1]
