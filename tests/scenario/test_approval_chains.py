"""Issue 16: no approval chain is ever shortened, on the demo company.

leo (林涛) is the CEO: no manager, head of Executive. frank (孙伟) heads Engineering and reports
to leo. The IT desk (carol 陈静, dave 刘洋) owns laptops. A laptop from 1000 needs the manager,
then erin (IT director) or henry (CFO); a purchase under 100000 needs the manager, then the
department head; from 100000 also 2 of henry, leo and grace.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.features.approvals.routing import ADMIN_ROLE
from bot.testing import ChatDriver
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import ApprovalRule, ApprovalStepDef, Bundle
from org.model import Role
from store import approvals
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


async def test_an_added_approvers_rejection_ends_a_quorum_step(chat: ChatDriver) -> None:
    """加签 on a 2-of-3 step: the added person must be among the approvals, so their "no"
    ends the step even though two of the others could still approve."""
    await _to_the_quorum(chat)
    await chat.say("henry", "加签 REQ-1 nina")
    await chat.say("nina", "驳回 REQ-1 预算不在今年计划内")

    row = await request_row(chat)
    assert row.status == "rejected" and "预算不在今年计划内" in (row.status_reason or "")
    assert approve_button(latest_card(chat, "leo")) is None


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


# --- on a changed demo company --------------------------------------------------------------

Changed = Callable[[Bundle], Bundle]
OpenChat = Callable[[Changed], Awaitable[ChatDriver]]


@pytest.fixture
async def chat_on(sqlite_url: str) -> AsyncIterator[OpenChat]:
    """``await chat_on(change)``: a chat on the demo company as ``change`` leaves it."""
    drivers: list[ChatDriver] = []

    async def open_(change: Changed) -> ChatDriver:
        driver = await ChatDriver.open(sqlite_url, bundle=change(load_bundle(*demo_paths())))
        drivers.append(driver)
        return driver

    yield open_
    for driver in drivers:
        await driver.close()


def _english(*people: str) -> Changed:
    def change(bundle: Bundle) -> Bundle:
        persons = {**bundle.directory.persons, **{
            p: dataclasses.replace(bundle.directory.persons[p], locale="en") for p in people}}
        return dataclasses.replace(bundle, directory=dataclasses.replace(
            bundle.directory, persons=persons))
    return change


def _purchases_need(*steps: ApprovalStepDef, admins: tuple[str, ...] = ()) -> Changed:
    def change(bundle: Bundle) -> Bundle:
        service = bundle.catalog.services["proc.purchase"]
        rules = (ApprovalRule(None, steps),)
        services = {**bundle.catalog.services,
                    "proc.purchase": dataclasses.replace(service, approval_rules=rules)}
        roles = {**bundle.directory.roles, ADMIN_ROLE: Role(ADMIN_ROLE, admins)}
        return dataclasses.replace(
            bundle, catalog=dataclasses.replace(bundle.catalog, services=services),
            directory=dataclasses.replace(bundle.directory, roles=roles))
    return change


async def test_each_reader_sees_the_reason_in_their_own_language(
    chat_on: OpenChat,
) -> None:
    chat = await chat_on(_english("leo", "carol"))
    await file_laptop(chat, "leo", 8000)
    english = ("Step 1 (the manager) finds nobody in the directory, so the service owner"
               " IT desk decides.")
    assert english in texts(chat, "leo")
    assert english in text_of(latest_card(chat, "carol"))
    assert "第 1 步（直属上级）在通讯录里找不到审批人" in text_of(latest_card(chat, "dave"))
    assert "找不到" not in text_of(latest_card(chat, "carol"))


async def test_when_the_owner_group_is_only_the_requester_an_admin_decides(
    chat_on: OpenChat,
) -> None:
    chat = await chat_on(_purchases_need(ApprovalStepDef(("role:nope",)),
                                         admins=("kate", "nina")))
    await file_purchase(chat, "kate", 5000)  # kate is the procurement group alone
    assert approval_cards(chat, "kate") == []
    assert "系统管理员 何娜 审批" in text_of(latest_card(chat, "nina"))
    await chat.click("nina", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_with_nobody_but_the_requester_nothing_is_approved(
    chat_on: OpenChat,
) -> None:
    chat = await chat_on(_purchases_need(ApprovalStepDef(("role:cfo",)),
                                         ApprovalStepDef(("role:nope",)), admins=("kate",)))
    await file_purchase(chat, "kate", 5000)
    row = await request_row(chat)
    assert row.status == "submitted" and "第 2 步" in (row.status_reason or "")
    assert "暂时无法进入审批" in texts(chat, "kate")
    assert approval_cards(chat, "henry") == []  # step 1 does not start on its own either
    [event] = [e for e in await trail(chat) if e.action == "approval.unroutable"]
    assert event.data["reason"] == "stuck" and event.data["to"] == []


async def test_a_step_saved_with_the_old_english_note_still_shows_it(chat: ChatDriver) -> None:
    await file_laptop(chat, "leo", 8000)
    async with chat.app.db.unit_of_work() as uow:
        [first, _] = await approvals.steps_of(uow.session, request_id=1)
        first.note = "step 1: manager resolves to nobody"  # as written before issue 16
        uow.session.add(first)
    await chat.click("dave", "同意")  # refreshes carol's copy of the card
    assert "说明=step 1: manager resolves to nobody" in text_of(latest_card(chat, "carol"))
