"""Issue 16: no approval chain is ever shortened, on the demo company.

leo (林涛) is the CEO: no manager, head of Executive. frank (孙伟) heads Engineering and reports
to leo. The IT desk (carol 陈静, dave 刘洋) owns laptops. A laptop from 1000 needs the manager,
then erin (IT director) or henry (CFO); a purchase under 100000 needs the manager, then the
department head; from 100000 also 2 of henry, leo and grace.
"""

from __future__ import annotations

from bot.testing import ChatDriver
from tests.scenario.approval_steps import (
    approval_cards,
    approve_button,
    file_laptop,
    file_purchase,
    latest_card,
    request_row,
    seat_states,
    texts,
    trail,
)
from tests.scenario.helpers import text_of


async def test_leos_laptop_keeps_the_directors_step(chat: ChatDriver) -> None:
    """Was: step 1 had nobody, the chain collapsed into one owner step, dave alone approved."""
    await file_laptop(chat, "leo", 8000)
    note = "第 1 步（直属上级）在通讯录里找不到审批人，改由服务负责人 IT 服务台 审批。"
    assert note in texts(chat, "leo")
    for agent in ("carol", "dave"):
        shown = text_of(latest_card(chat, agent))
        assert "第 1/2 步" in shown and note in shown
    started = [e for e in await trail(chat) if e.action == "approval.started"]
    assert [s["approvers"] for s in started[0].data["steps"]] == [["carol", "dave"],
                                                                  ["erin", "henry"]]
    [rerouted] = [e for e in await trail(chat) if e.action == "approval.unroutable"]
    assert rerouted.data == {"step": 1, "reason": "owner", "cause": "nobody",
                             "refs": ["manager"], "to": ["carol", "dave"]}

    await chat.click("dave", "同意")

    assert (await request_row(chat)).status == "pending_approval"  # not approved by dave alone
    assert approval_cards(chat, "erin") and approval_cards(chat, "henry")
    erins = text_of(latest_card(chat, "erin"))
    assert "step 2 of 2" in erins and "Note" not in erins  # step 2 is routed as written
    await chat.click("henry", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_franks_purchase_keeps_his_managers_step_and_goes_up_for_his_own(
    chat: ChatDriver,
) -> None:
    """Was: step 2 named only frank himself, and step 1 (his manager) was skipped too."""
    await file_purchase(chat, "frank", 50000)
    first = text_of(latest_card(chat, "leo"))
    assert "第 1/2 步" in first and "说明" not in first

    await chat.click("leo", "同意")

    assert (await request_row(chat)).status == "pending_approval"
    second = text_of(latest_card(chat, "leo"))
    note = "第 2 步（部门负责人）只指向申请人本人，已上移一级，由 林涛 审批。"
    assert "第 2/2 步" in second and note in second
    assert note in texts(chat, "frank")
    [rerouted] = [e for e in await trail(chat) if e.action == "approval.rerouted"]
    assert rerouted.data["to"] == ["leo"] and rerouted.data["step"] == 2
    assert approval_cards(chat, "frank") == []  # the requester never holds a seat

    await chat.click("leo", "同意")
    assert (await request_row(chat)).status == "in_progress"
    approved = [e for e in await trail(chat) if e.action == "approval.step_approved"]
    assert [e.data["step"] for e in approved] == [1, 2]


async def _to_the_quorum(chat: ChatDriver) -> None:
    await file_purchase(chat, "alice", 150000)
    await chat.click("bob", "同意")
    await chat.click("frank", "同意")


async def test_one_rejection_of_three_leaves_a_two_of_three_step_open(chat: ChatDriver) -> None:
    await _to_the_quorum(chat)
    await chat.say("henry", "驳回 REQ-1 价格偏高")

    assert (await request_row(chat)).status == "pending_approval"
    assert "其他审批人仍可同意" in texts(chat, "alice")
    assert approve_button(latest_card(chat, "leo")) is not None
    assert approve_button(latest_card(chat, "henry")) is None
    await chat.click("leo", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    await chat.click("grace", "同意")

    assert (await request_row(chat)).status == "in_progress"
    states = await seat_states(chat)
    assert [states[(3, p)] for p in ("henry", "leo", "grace")] == [
        "rejected", "approved", "approved"]


async def test_a_quorum_step_ends_rejected_once_it_cannot_be_reached(chat: ChatDriver) -> None:
    await _to_the_quorum(chat)
    await chat.say("henry", "驳回 REQ-1 价格偏高")
    await chat.say("leo", "驳回 REQ-1 暂缓")

    row = await request_row(chat)
    assert row.status == "rejected" and "暂缓" in (row.status_reason or "")
    assert approve_button(latest_card(chat, "grace")) is None
    assert (await seat_states(chat))[(3, "grace")] == "retired"


async def test_an_any_one_step_still_ends_at_the_first_rejection(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("henry", "驳回 REQ-1 预算超标")
    assert (await request_row(chat)).status == "rejected"


async def test_a_delegation_to_the_requester_is_not_used_for_their_own_request(
    chat: ChatDriver,
) -> None:
    await chat.say("bob", "委托 alice 代批到12月10日")
    await file_laptop(chat, "alice", 800)

    assert approval_cards(chat, "alice") == []
    assert approval_cards(chat, "bob")  # bob's own card, not his delegate's
    [answer, *_] = await chat.say("alice", "同意 REQ-1")
    assert "REQ-1" in text_of(answer)
    assert (await request_row(chat)).status == "pending_approval"
    refused = [e for e in await trail(chat) if e.action == "approval.refused"]
    assert refused and refused[-1].data["why"] == "own_request"
