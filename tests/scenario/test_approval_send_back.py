"""退回 / send back: an approver returns a request to its requester with a question; the
requester answers or amends, and approval carries on at the same step.

alice (王小丽, zh) files an 8,000 laptop: bob (赵强) approves step 1, then erin (Erin Li, en)
or henry (吴刚) decides step 2. sam (Sam Taylor, en) reports to bob too.
"""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Card
from tests.scenario.approval_steps import (
    approve_button,
    file_laptop,
    latest_card,
    request_row,
    seat_states,
    texts,
    trail,
)
from tests.scenario.helpers import text_of


async def actions(chat: ChatDriver) -> list[str]:
    return [e.action for e in await trail(chat)]


async def test_henry_sends_back_alice_answers_and_step_2_carries_on(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")

    [sent] = await chat.say("henry", "退回 REQ-1 请补充型号和用途")
    assert "已把 REQ-1 退回给 王小丽" in text_of(sent)
    assert (await request_row(chat)).status == "returned"
    question = chat.last("alice")
    assert isinstance(question, Card) and "请补充型号和用途" in text_of(question)
    assert [b.label for b in question.buttons] == ["答复"]
    [card] = await chat.say("henry", "REQ-1")
    assert "已退回待补充" in text_of(card) and "等待申请人答复" in text_of(card)
    assert "处理人=王小丽" in text_of(card)

    [refused] = await chat.click_action("erin", approve_button(latest_card(chat, "erin"))
                                        .action_id)  # type: ignore[union-attr]
    assert "sent back to 王小丽" in text_of(refused)
    assert (await seat_states(chat))[(2, "erin")] == "pending"

    [resumed] = await chat.say("alice", "做视频剪辑，要高性能本")
    assert "从第 2/2 步继续审批" in text_of(resumed)
    assert (await request_row(chat)).status == "pending_approval"
    assert "王小丽 答复了退回的 REQ-1：做视频剪辑，要高性能本" in texts(chat, "henry")
    assert "answered on REQ-1" in texts(chat, "erin")
    assert approve_button(latest_card(chat, "henry")) is not None

    await chat.click("henry", "同意")
    assert (await request_row(chat)).status == "in_progress"
    moves = await actions(chat)
    assert moves.count("approval.started") == 1  # never back to step 1
    sent_back = next(e for e in await trail(chat) if e.action == "approval.sent_back")
    assert sent_back.actor == "henry" and sent_back.data["step"] == 2
    assert sent_back.data["question"] == "请补充型号和用途" and sent_back.data["to"] == "alice"
    resumed_event = next(e for e in await trail(chat) if e.action == "approval.resumed")
    assert resumed_event.actor == "alice"
    assert resumed_event.data["answer"] == "做视频剪辑，要高性能本"


async def test_the_buttons_send_back_and_answer(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    assert [b.label for b in latest_card(chat, "bob").buttons] == [
        "同意", "驳回", "退回", "详情", "转交"]
    [asked] = await chat.click("bob", "退回")
    assert "要向申请人问什么" in text_of(asked)
    await chat.say("bob", "为什么不选标准本？")
    assert (await request_row(chat)).status == "returned"

    await chat.say("alice", "我的申请")  # a command instead of the answer: the question waits
    assert "已退回待补充" in text_of(chat.last("alice"))
    [ask] = await chat.click("alice", "答复")
    assert "请输入你对 REQ-1 的答复" in text_of(ask)
    await chat.say("alice", "要跑模型")
    assert (await request_row(chat)).status == "pending_approval"
    assert "王小丽 答复了退回的 REQ-1：要跑模型" in texts(chat, "bob")
    await chat.click("bob", "同意")
    assert (await seat_states(chat))[(1, "bob")] == "approved"
    assert (await seat_states(chat))[(2, "henry")] == "pending"


async def test_in_english_erin_sends_back_and_sam_answers(chat: ChatDriver) -> None:
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    send_back = next(b for b in latest_card(chat, "erin").buttons if b.label == "Send back")
    [sent] = await chat.click_action("erin", send_back.action_id, text="Which model exactly?")
    assert "REQ-1 went back to Sam" in text_of(sent)
    question = chat.last("sam")
    assert "sent REQ-1 back to you: Which model exactly?" in text_of(question)

    [resumed] = await chat.say("sam", "answer REQ-1 the Performance one")
    assert "carries on at step 2/2" in text_of(resumed)
    assert "answered on REQ-1: the Performance one" in texts(chat, "erin")
    await chat.click("erin", "Approve")
    assert (await request_row(chat)).status == "in_progress"
    assert "approval.resumed" in await actions(chat)


async def test_only_an_approver_of_the_open_step_sends_back_only_the_requester_answers(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    [own] = await chat.say("alice", "退回 REQ-1 自己问自己")
    assert "不能审批自己的申请" in text_of(own)
    [carol] = await chat.say("carol", "退回 REQ-1 型号？")  # the IT desk sees it, not an approver
    assert "不需要你审批" in text_of(carol)
    [grace] = await chat.say("grace", "退回 REQ-1 型号？")
    assert "没有找到 REQ-1" in text_of(grace)
    send_back = next(b for b in latest_card(chat, "bob").buttons if b.label == "退回")
    [forged] = await chat.click_action("grace", send_back.action_id, text="型号？")
    assert text_of(forged) == text_of(grace)  # a crafted click: as her typed REQ-1
    assert (await request_row(chat)).status == "pending_approval"

    [listed, *_] = await chat.say("bob", "待我审批")
    assert "1" in text_of(listed)
    [early] = await chat.say("alice", "答复 REQ-1 没人问")
    assert "没有被退回" in text_of(early)
    await chat.say("bob", "send back REQ-1 which model?")
    [again] = await chat.say("bob", "退回 REQ-1 再问一次")
    assert "已经退回给申请人" in text_of(again)
    [nothing] = await chat.say("bob", "待我审批")  # sent back: not waiting for bob now
    assert "REQ-1" not in text_of(nothing)
    [not_hers] = await chat.say("carol", "答复 REQ-1 我替她回答")
    assert "只有申请人" in text_of(not_hers)
    assert (await request_row(chat)).status == "returned"
    refused = [e for e in await trail(chat) if e.action == "approval.refused"]
    # grace's crafted click was answered "not found" before any seat was looked at
    assert [e.data["why"] for e in refused] == ["own_request", "not_an_approver"]


async def test_an_amendment_of_a_field_no_rule_reads_resumes_the_same_step(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("henry", "退回 REQ-1 原因写详细点")
    await chat.say("alice", "修改 REQ-1 原因 旧电脑主板烧了无法维修")
    assert (await request_row(chat)).status == "pending_approval"
    assert (await request_row(chat)).answers["reason"] == "旧电脑主板烧了无法维修"
    assert "王小丽 修改了退回的 REQ-1" in texts(chat, "henry")
    assert (await actions(chat)).count("approval.started") == 1
    assert (await seat_states(chat))[(1, "bob")] == "approved"


async def test_an_amendment_of_the_budget_the_rule_reads_restarts_from_step_1(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("henry", "退回 REQ-1 预算太高")
    await chat.say("alice", "修改 REQ-1 预算 900")
    assert (await request_row(chat)).status == "pending_approval"
    moves = await actions(chat)
    assert moves.count("approval.started") == 2 and "approval.restarted" in moves
    assert (await seat_states(chat))[(1, "bob")] == "pending"  # a new round: bob alone


async def test_while_sent_back_nobody_is_reminded_and_the_resolution_clock_pauses(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.say("bob", "退回 REQ-1 型号？")
    await chat.tick(days=3)
    assert "REQ-1" not in texts(chat, "bob").split("已把 REQ-1 退回给")[-1]
    assert "approval.reminded" not in await actions(chat)
    await chat.say("alice", "答复 REQ-1 高性能本")
    assert (await request_row(chat)).status == "pending_approval"
