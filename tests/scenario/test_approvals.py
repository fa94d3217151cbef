"""Approval journeys through the fake channel, on the demo company.

alice (王小丽) reports to bob (赵强), who reports to frank (孙伟, head of Engineering).
Laptops under 1000 need bob; from 1000 bob and then erin (IT director) or henry (CFO).
Expenses of 20000 or more need bob and then grace (finance manager) and henry together (会签).
Purchases of 100000 or more need bob, frank, then 2 of henry, leo and grace.
"""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Card
from tests.scenario.approval_steps import (
    approval_cards,
    approve_button,
    file_expense,
    file_laptop,
    file_purchase,
    latest_card,
    request_row,
    seat_states,
    texts,
    trail,
)
from tests.scenario.helpers import text_of


async def test_a_cheap_laptop_needs_only_the_manager(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    card = latest_card(chat, "bob")
    shown = text_of(card)
    assert "王小丽" in shown and "¥800.00" in shown and "第 1/1 步" in shown
    # 退回 and 转交: issue 16
    assert [b.label for b in card.buttons] == ["同意", "驳回", "退回", "详情", "转交"]
    assert "等待 赵强 审批" in texts(chat, "alice")

    await chat.click("bob", "同意")

    assert (await request_row(chat)).status == "in_progress"
    assert "赵强 同意了 REQ-1" in texts(chat, "alice")
    assert "审批通过" in texts(chat, "alice")
    assert approval_cards(chat, "erin") == [] and approval_cards(chat, "henry") == []
    assert approve_button(latest_card(chat, "bob")) is None  # bob's card shows the decision
    assert "已同意" in text_of(latest_card(chat, "bob"))


async def test_an_expensive_laptop_goes_on_to_any_one_director(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    assert approval_cards(chat, "erin") and approval_cards(chat, "henry")
    assert "第 2/2 步 · 或签" in text_of(latest_card(chat, "henry"))
    assert (await request_row(chat)).status == "pending_approval"

    henrys_approve = approve_button(latest_card(chat, "henry"))
    assert henrys_approve is not None
    await chat.click("erin", "Approve")  # erin's directory locale is English

    assert (await request_row(chat)).status == "in_progress"
    assert "已交给 采购组 办理" in texts(chat, "alice")  # in alice's language, not erin's
    assert approve_button(latest_card(chat, "henry")) is None  # the any-step retired his buttons
    assert "Erin Li" in text_of(latest_card(chat, "henry"))
    [answer] = await chat.click_action("henry", henrys_approve.action_id)
    assert "已经结束" in text_of(answer) and "Erin Li" in text_of(answer)
    assert (await seat_states(chat))[(2, "henry")] == "retired"


async def test_a_countersign_step_waits_for_everyone(chat: ChatDriver) -> None:
    await file_expense(chat, "alice", 30000)
    await chat.click("bob", "同意")
    assert "会签" in text_of(latest_card(chat, "grace"))

    await chat.click("grace", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    henrys = latest_card(chat, "henry")
    assert approve_button(henrys) is not None and "周敏：已同意" in text_of(henrys)
    assert "还需 1 人同意" in texts(chat, "alice")

    await chat.click("henry", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_a_quorum_of_two_of_three_finishes_on_the_second_approval(
    chat: ChatDriver,
) -> None:
    await file_purchase(chat, "alice", 150000)
    await chat.click("bob", "同意")
    await chat.click("frank", "同意")
    for person in ("henry", "leo", "grace"):
        assert "2/3 人同意" in text_of(latest_card(chat, person))

    await chat.click("henry", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    await chat.click("leo", "同意")

    assert (await request_row(chat)).status == "in_progress"
    assert approve_button(latest_card(chat, "grace")) is None
    states = await seat_states(chat)
    assert [states[(3, p)] for p in ("henry", "leo", "grace")] == [
        "approved", "approved", "retired"]


async def test_a_rejection_needs_a_reason_and_ends_the_request(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    [question] = await chat.click("bob", "驳回")
    assert "原因" in text_of(question)
    assert (await request_row(chat)).status == "pending_approval"
    [empty] = await chat.say("bob", " ")
    assert "不能为空" in text_of(empty)

    await chat.say("bob", "预算超标，请选标准款")

    row = await request_row(chat)
    assert row.status == "rejected" and "预算超标" in (row.status_reason or "")
    assert "REQ-1 被 赵强 驳回。原因：预算超标，请选标准款" in texts(chat, "alice")
    assert approval_cards(chat, "erin") == []  # the next step never started
    [status] = await chat.say("alice", "REQ-1")
    assert "已驳回" in text_of(status) and "预算超标" in text_of(status)


async def test_reject_by_text_with_the_reason_inline_in_english(chat: ChatDriver) -> None:
    await file_laptop(chat, "sam", 8000)  # sam reports to bob as well
    await chat.click("bob", "同意")
    [answer, *_] = await chat.say("erin", "reject REQ-1 over budget")
    assert "You rejected REQ-1" in text_of(answer)
    assert "Erin Li rejected REQ-1. Reason: over budget" in texts(chat, "sam")


async def test_approve_by_text_with_a_comment(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    [answer, *_] = await chat.say("bob", "同意 REQ-1 好的，尽快发")
    assert "已同意 REQ-1" in text_of(answer)
    assert "意见：好的，尽快发" in texts(chat, "alice")
    [event] = [e for e in await trail(chat) if e.action == "approval.approved"]
    assert event.actor == "bob" and event.data["comment"] == "好的，尽快发"


async def test_people_who_may_not_decide_change_nothing(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    approve = approve_button(latest_card(chat, "bob"))
    assert approve is not None

    [carols] = await chat.click_action("carol", approve.action_id)  # a forged click
    assert "不需要你审批" in text_of(carols)
    [alices] = await chat.say("alice", "同意 REQ-1")
    assert "不能审批自己的申请" in text_of(alices)
    assert (await seat_states(chat))[(1, "bob")] == "pending"

    await chat.click_action("bob", approve.action_id)
    [again] = await chat.click_action("bob", approve.action_id)
    assert "你已于" in text_of(again) and "不会重复记录" in text_of(again)
    decisions = [e for e in await trail(chat) if e.action == "approval.approved"]
    assert len(decisions) == 1
    refusals = [e for e in await trail(chat) if e.action == "approval.refused"]
    assert [(e.actor, e.data["why"]) for e in refusals] == [
        ("carol", "not_an_approver"), ("alice", "own_request")]


async def test_a_garbled_card_action_is_answered_not_crashed(chat: ChatDriver) -> None:
    for action in ("apr:", "apr:x:bob:approve", "apr:99:bob:approve", "apr:1:bob:dance"):
        [answer] = await chat.click_action("bob", action)
        assert "不再有效" in text_of(answer)


async def test_my_approvals_lists_each_waiting_request_with_its_buttons(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)
    await file_laptop(chat, "sam", 800)
    [title, *shown] = await chat.say("bob", "待我审批")
    assert "待你审批（2）" in text_of(title)
    # the copies bob got when they were filed point to these new ones ("已更新，见最新消息")
    cards = [c for c in shown if isinstance(c, Card) and c.body != "已更新，见最新消息"]
    assert [c.title for c in cards] == [
        "审批 REQ-1「笔记本电脑申请」", "审批 REQ-2「笔记本电脑申请」"]
    assert all(approve_button(c) for c in cards if isinstance(c, Card))
    [none] = await chat.say("erin", "my approvals")
    assert "Nothing is waiting for your approval" in text_of(none)


async def test_the_approver_can_see_the_status_and_others_cannot(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    [bobs, his_card] = await chat.say_new("bob", "REQ-1")  # the status, then the card he acts on
    assert isinstance(bobs, Card) and "审批中" in text_of(bobs)
    assert isinstance(his_card, Card) and approve_button(his_card) is not None
    [ninas] = await chat.say("nina", "REQ-1")
    assert "没有找到" in text_of(ninas)


async def test_withdrawing_retires_the_approval_cards(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    approve = approve_button(latest_card(chat, "bob"))
    assert approve is not None
    await chat.say("alice", "撤回 REQ-1 不需要了")
    assert approve_button(latest_card(chat, "bob")) is None
    assert "申请人已撤回" in text_of(latest_card(chat, "bob"))
    [answer] = await chat.click_action("bob", approve.action_id)
    assert "已失效" in text_of(answer)
    assert (await request_row(chat)).status == "withdrawn"


async def test_without_an_approver_the_service_owner_decides(chat: ChatDriver) -> None:
    await file_laptop(chat, "leo", 800)  # the CEO has no manager
    assert "服务负责人" in texts(chat, "leo")
    for agent in ("carol", "dave"):
        card = latest_card(chat, agent)
        # the reason in the reader's language (issue 16: it was an English note)
        assert "第 1 步（直属上级）在通讯录里找不到审批人" in text_of(card)
        assert "resolves" not in text_of(card)
    await chat.click("dave", "同意")
    assert (await request_row(chat)).status == "in_progress"
    [event] = [e for e in await trail(chat) if e.action == "approval.unroutable"]
    assert event.data["to"] == ["carol", "dave"]


async def test_a_service_without_approval_rules_goes_straight_on(chat: ChatDriver) -> None:
    await chat.say("alice", "我要开在职证明")
    from tests.scenario.helpers import fill_form

    await fill_form(chat, "alice", "hr.certificate")
    await chat.click("alice", "提交")
    assert (await request_row(chat)).status == "in_progress"
    actions = [e.action for e in await trail(chat)]
    assert actions[:3] == ["request.submitted", "request.in_progress", "task.created"]
    assert not any(a.startswith("approval.") for a in actions)


async def test_a_reject_click_while_filling_a_form_keeps_the_form(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.say("bob", "我要报销差旅费")
    asked = chat.last("bob").asks
    assert asked is not None
    await chat.click_action("bob", approve_action_of(latest_card(chat, "bob"), "reject"))
    replies = await chat.say("bob", "不符合规定")
    assert "已驳回 REQ-1" in text_of(replies[0])
    assert replies[-1].asks == asked  # and the form asks its question again


def approve_action_of(card: Card, verb: str) -> str:
    return next(b.action_id for b in card.buttons if b.action_id.endswith(f":{verb}"))


async def test_a_reason_given_with_the_click_is_not_asked_again(chat: ChatDriver) -> None:
    """Platforms with a modal (Slack) send the reason together with the Reject click."""
    await file_laptop(chat, "alice", 800)
    reject = approve_action_of(latest_card(chat, "bob"), "reject")
    [answer, *_] = await chat.click_action("bob", reject, text="超出预算")
    assert "已驳回 REQ-1" in text_of(answer)
    assert (await request_row(chat)).status_reason == "赵强: 超出预算"


async def test_the_requesters_department_is_shown_by_its_name_in_each_readers_language(
        chat: ChatDriver) -> None:
    """Issue 15: departments have display names in both languages, used on cards. sam (en)
    files a laptop; bob (zh) reads 研发部, and the card never shows the bare id."""
    await file_laptop(chat, "alice", 800)
    fields = {f.label: f.value for f in latest_card(chat, "bob").fields}
    assert "王小丽 (研发部)" in fields.values()
    assert not any("Engineering" in value for value in fields.values())
