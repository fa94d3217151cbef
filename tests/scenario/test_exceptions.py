"""Governed exceptions (例外, issue 18), journey by journey, each checking the trail event by
event: asked in chat with a reason and an impact, granted by its approver (never the requester
nor anyone acting for them), limited in time, undone at the end, reviewed when frequent.

hr.onboarding: expedite, approver nina (hr-director), high impact also leo (ceo), 2bd at most,
resolution 2bd, a recovery task "复核加急处理结果" for hr-ops, review threshold 3.
"""

from __future__ import annotations

from bot.features.time.clocks import clocks_of
from bot.testing import ChatDriver
from bot.turn import Turn
from chat.replies import Card, Message
from org.model import Duration
from store import requests, tasks
from tests.scenario.approval_steps import request_row, trail
from tests.scenario.exception_steps import (
    ask_exception,
    click,
    exception_row,
    exception_trail,
    say,
)
from tests.scenario.helpers import text_of
from tests.scenario.test_onboarding import file_onboarding, task_card


async def resolution_target(chat: ChatDriver, number: int = 1) -> Duration:
    async with chat.app.db.unit_of_work() as uow:
        request = await requests.get_request(uow.session, request_id=number)
        assert request is not None
        person = chat.app.bundle.directory.person("bob")
        assert person is not None
        turn = Turn(services=chat.app.services, uow=uow, key=chat.key("bob"), person=person,
                    now=chat.clock.now)
        clock = next(c for c in await clocks_of(turn, request) if c.kind == "resolution")
    return clock.target


def resolution_line(messages: list[Message]) -> str:
    card = messages[-1]
    assert isinstance(card, Card)
    return next(f.value for f in card.fields if f.label == "解决时限")


async def test_an_expedited_onboarding_from_ask_to_expiry(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    assert await resolution_target(chat) == Duration(5, "bd")
    before = resolution_line(await chat.say("bob", "REQ-1"))
    said = await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="中",
                               validity="默认", justification="新同事下周一入职，合同必须先签")
    assert "EXC-1" in said and "何娜" in said
    card = chat.last("nina")
    assert isinstance(card, Card) and "EXC-1" in card.title
    assert [b.label for b in card.buttons] == ["批准例外", "拒绝", "查看申请单"]
    assert "新员工即将入职" in text_of(card) and "2bd" in text_of(card)

    await click(chat, "nina", "批准例外")
    row = await exception_row(chat)
    assert row.state == "granted" and row.ends_at is not None
    assert "已由 何娜 批准" in text_of(chat.last("bob"))
    assert await resolution_target(chat) == Duration(2, "bd")
    assert any("紧急：TASK-1" in text_of(m) for m in chat.inbox("ivy"))  # re-announced
    assert any("紧急：TASK-3" in text_of(m) for m in chat.inbox("kate"))
    contract = task_card(chat, "ivy", "TASK-1")  # every card of the request shows it
    assert "EXC-1 加急：生效中，至" in text_of(contract)
    status = await say(chat, "bob", "REQ-1 到哪了")
    assert "EXC-1 加急：生效中，至" in status
    shorter = resolution_line(await chat.say("bob", "REQ-1"))
    assert (before, shorter) == ("2026-11-30 10:00（剩余 37.5 工作小时）",
                                "2026-11-25 10:00（剩余 15 工作小时）")  # shown in status

    assert await chat.tick(days=1, hours=1) >= 1  # the reminder, a business day before
    assert any("将于" in text_of(m) and "EXC-1" in text_of(m) for m in chat.inbox("bob"))
    assert any("将于" in text_of(m) for m in chat.inbox("nina"))
    await chat.tick(days=3)
    row = await exception_row(chat)
    assert (row.state, row.end_cause) == ("ended", "expired")
    assert await resolution_target(chat) == Duration(5, "bd")  # the SLA is back
    async with chat.app.db.unit_of_work() as uow:
        recovery = [t for t in await tasks.tasks_of(uow.session, request_id=1)
                    if t.key == "expedite.normalise"]
    assert [(t.group_id, t.state, t.recovery) for t in recovery] == [("hr-ops", "ready", False)]
    assert any("EXC-1）已结束：到期" in text_of(m) for m in chat.inbox("bob"))
    assert "EXC-1" not in text_of(task_card(chat, "ivy", "TASK-1"))  # and no longer
    assert any("EXC-1）已结束：到期" in text_of(m) for m in chat.inbox("nina"))
    assert await exception_trail(chat) == [
        ("exception.requested", "bob", None),
        ("exception.granted", "nina", None),
        ("exception.reminded", "esmbot", None),
        ("exception.expired", "esmbot", None),
        ("exception.recovery_created", "esmbot", None),
    ]
    assert (await request_row(chat)).status == "in_progress"
    created = [e.data for e in await trail(chat) if e.action == "task.created"]
    assert created[-1]["exception"] == "EXC-1"


async def file_in_english(chat: ChatDriver, person: str, sentence: str, service: str,
                          answers: dict[str, str] | None = None) -> None:
    from tests.scenario.approval_steps import submit
    from tests.scenario.helpers import fill_form

    await chat.say(person, sentence)
    await fill_form(chat, person, service, answers)
    await submit(chat, person)


async def test_temporary_access_is_allowed_reminded_and_revoked_at_expiry(
        chat: ChatDriver) -> None:
    """sam (English) gets VPN access beyond the standard for two business days; mia
    (security) grants it; a business day before the end both hear of it; at the end the IT
    desk gets "Revoke the access", a recovery task."""
    await file_in_english(chat, "sam", "I need VPN access", "it.access",
                          {"reason": "on call for the incident"})
    await say(chat, "sam", "exception REQ-1")
    assert "what is the reason?" in text_of(chat.last("sam"))
    await click(chat, "sam", "Handling an incident")
    await click(chat, "sam", "Medium")
    said = await say(chat, "sam", "2 business days")
    assert "Valid for 2bd" in said
    said = await say(chat, "sam", "I am on call for the database incident this week")
    assert "EXC-1: the \"Temporary access\" exception for REQ-1 is sent to 黄敏" in said
    await click(chat, "mia", "批准例外")
    assert "黄敏 granted the \"Temporary access\" exception (EXC-1)" in text_of(chat.last("sam"))
    status = await say(chat, "sam", "status REQ-1")
    assert "EXC-1 Temporary access: holding until" in status

    await chat.tick(hours=1)
    assert not any("Reminder" in text_of(m) for m in chat.inbox("sam"))
    await chat.tick(days=1)
    assert any("Reminder: the \"Temporary access\" exception (EXC-1)" in text_of(m)
               for m in chat.inbox("sam"))
    assert any("提醒：REQ-1 的「临时权限」例外（EXC-1）" in text_of(m) for m in chat.inbox("mia"))
    await chat.tick(days=2)
    assert any("has ended: expired. Recovery tasks created: TASK-" in text_of(m)
               and "Revoke the access" in text_of(m) for m in chat.inbox("sam"))
    async with chat.app.db.unit_of_work() as uow:
        revoke = [t for t in await tasks.tasks_of(uow.session, request_id=1)
                  if t.key == "temporary.revoke"]
    assert [(t.group_id, t.state, t.recovery) for t in revoke] == [("it-desk", "ready", True)]
    assert any("收回临时权限" in text_of(m) for m in chat.inbox("carol"))  # announced to IT
    assert await exception_trail(chat) == [
        ("exception.requested", "sam", None),
        ("exception.granted", "mia", None),
        ("exception.reminded", "esmbot", None),
        ("exception.expired", "esmbot", None),
        ("exception.recovery_created", "esmbot", None),
    ]
    assert "exception.recovery_created" in [e.action for e in await trail(chat)]


async def test_an_urgent_payment_is_paid_first_and_recovered_after_a_late_rejection(
        chat: ChatDriver) -> None:
    """alice's expense waits for bob; henry (cfo) grants an urgent payment, so finance pays
    at once; bob then rejects it: "Recover the payment" is created and finance is told."""
    from tests.scenario.approval_steps import file_expense

    await file_expense(chat, "alice", 3000)
    assert (await request_row(chat)).status == "pending_approval"
    said = await ask_exception(chat, "alice", "申请例外 REQ-1", reason="供应商付款截止",
                               impact="中", validity="默认",
                               justification="供应商今天下班前不付款就停止供货")
    assert "吴刚" in said
    await click(chat, "henry", "批准例外")
    assert (await request_row(chat)).status == "pending_approval"  # the chain runs on
    approval = [m for m in chat.inbox("bob") if isinstance(m, Card) and "同意" in
                [b.label for b in m.buttons]][-1]
    assert "EXC-1 紧急付款：生效中，至" in text_of(approval)  # bob's card says it was paid
    async with chat.app.db.unit_of_work() as uow:
        early = await tasks.tasks_of(uow.session, request_id=1)
    assert [(t.key, t.state) for t in early] == [("pay", "ready")]
    await say(chat, "tina", "认领 TASK-1")
    await say(chat, "tina", "完成 TASK-1 已付款")
    assert (await request_row(chat)).status == "pending_approval"  # done early, still waiting

    await say(chat, "bob", "驳回 REQ-1 这笔费用不合规")
    assert (await request_row(chat)).status == "rejected"
    await chat.tick(seconds=5)
    row = await exception_row(chat)
    assert (row.state, row.end_cause) == ("ended", "rejected")
    async with chat.app.db.unit_of_work() as uow:
        after = await tasks.tasks_of(uow.session, request_id=1)
    assert [(t.key, t.state, t.recovery) for t in after] == [
        ("pay", "done", False), ("urgent_payment.recover_payment", "ready", True)]
    assert any("审批最终被驳回" in text_of(m) for m in chat.inbox("grace"))  # the owner group
    assert await exception_trail(chat) == [
        ("exception.requested", "alice", None),
        ("exception.granted", "henry", None),
        ("exception.ended", "esmbot", None),
        ("exception.recovery_created", "esmbot", None),
    ]


async def test_high_impact_needs_both_approvers_and_never_the_requester_or_their_delegate(
        chat: ChatDriver) -> None:
    await file_onboarding(chat)
    said = await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="高",
                               validity="1bd", justification="CEO 亲自安排的入职")
    assert "何娜、林涛" in said
    own = await chat.click_action("bob", "exc:grant:1:approver")
    assert "不能批准自己的例外申请（EXC-1）" in text_of(own[-1])
    await say(chat, "bob", "委托 leo 代批到12月10日")
    assert "你正在代申请人处理事务" in await click(chat, "leo", "批准例外")
    await say(chat, "bob", "取消委托")
    assert "还需 林涛 批准" in await click(chat, "nina", "批准例外")
    assert (await exception_row(chat)).state == "requested"
    assert "已批准 EXC-1" in await click(chat, "leo", "批准例外")
    assert (await exception_row(chat)).state == "granted"
    events = [(e.action, e.actor, e.data.get("why") or e.data.get("part"))
              for e in await trail(chat) if e.action.startswith("exception.")]
    assert events == [
        ("exception.requested", "bob", None),
        ("exception.refused", "bob", "own"),
        ("exception.refused", "leo", "for_requester"),
        ("exception.approved", "nina", "approver"),
        ("exception.granted", "leo", "high"),
    ]


async def test_a_validity_over_the_maximum_is_refused_and_a_revocation_restores_the_sla(
        chat: ChatDriver) -> None:
    """sam (English) expedites a laptop: 3bd at most; erin grants; only its approver or the
    owner group (it-desk) may revoke it."""
    from tests.scenario.approval_steps import file_laptop

    await file_laptop(chat, "sam", 800)
    await say(chat, "sam", "expedite REQ-1")
    await click(chat, "sam", "Customer on site")
    await click(chat, "sam", "Low")
    said = await say(chat, "sam", "5bd")
    assert "\"Expedite\" lasts at most 3bd; 5bd is longer" in said
    said = await say(chat, "sam", "2bd")
    said = await say(chat, "sam", "The customer visits on Thursday")
    await click(chat, "erin", "Grant")
    assert await resolution_target(chat) == Duration(2, "bd")
    refused = await say(chat, "sam", "revoke exception REQ-1 not needed")
    assert "Only its approver or the service's owner group can revoke EXC-1" in refused
    assert "请写明撤销原因" in await say(chat, "carol", "撤销例外 REQ-1")
    assert "已撤销 EXC-1" in await say(chat, "carol", "撤销例外 REQ-1 客户已改期")
    assert any("has ended: revoked. Reason: 客户已改期" in text_of(m) for m in chat.inbox("sam"))
    assert await resolution_target(chat) == Duration(5, "bd")
    events = [(e.action, e.actor, e.data.get("why") or e.data.get("cause"))
              for e in await trail(chat) if e.action.startswith("exception.")]
    assert events == [
        ("exception.refused", "sam", "over_max"),
        ("exception.requested", "sam", None),
        ("exception.granted", "erin", None),
        ("exception.refused", "sam", "not_revoker"),
        ("exception.revoked", "carol", "revoked"),
    ]
    assert await chat.tick(days=5) >= 0
    assert (await exception_row(chat)).end_cause == "revoked"  # the expiry does not fire


async def test_the_fourth_exception_in_thirty_days_creates_exactly_one_review_task(
        chat: ChatDriver) -> None:
    from store import exceptions as grants

    for number in range(1, 6):
        await file_onboarding(chat)
        await ask_exception(chat, "bob", f"加急 REQ-{number}", reason="新员工即将入职",
                            impact="低", validity="1bd", justification="入职日期提前了")
        await click(chat, "nina", "批准例外")
        async with chat.app.db.unit_of_work() as uow:
            review = await grants.open_review_task(uow.session, service_id="hr.onboarding")
        assert (review is not None) == (number >= 4), number
    reviews = [(e.subject, e.data["task"]) for n in range(1, 6)
               for e in await trail(chat, f"REQ-{n}") if e.action == "exception.review_created"]
    assert len(reviews) == 1 and reviews[0][0] == "REQ-4"
    assert any("近 30 天已批准 4 次例外" in text_of(m) for m in chat.inbox("ivy"))


async def test_refusals_say_why_and_a_denial_needs_a_reason(chat: ChatDriver) -> None:
    """An unknown kind, one already waiting, a request that is not yours or is closed: each
    refused with its reason. "other" asks for the reason in words; Deny asks why."""
    from tests.scenario.approval_steps import file_laptop

    await file_onboarding(chat)
    assert "只有 REQ-1 的申请人" in await say(chat, "nina", "加急 REQ-1")
    await say(chat, "bob", "加急 REQ-1")
    await click(chat, "bob", "其他（请说明）")
    assert "请写下原因" in text_of(chat.last("bob"))
    assert "太短了" in await say(chat, "bob", "急")
    await say(chat, "bob", "董事会要求提前入职")
    await click(chat, "bob", "低")
    await say(chat, "bob", "4h")
    await say(chat, "bob", "董事会的决定")
    assert "董事会要求提前入职" in text_of(chat.last("nina"))
    assert "已有一个「加急」例外（EXC-1）" in await say(chat, "bob", "加急 REQ-1")

    await click(chat, "nina", "拒绝")
    assert "拒绝 EXC-1 的原因" in text_of(chat.last("nina"))
    await say(chat, "nina", "请走正常流程")
    assert "拒绝：请走正常流程" in text_of(chat.last("bob"))
    assert (await exception_row(chat)).state == "denied"

    await file_laptop(chat, "alice", 800)
    await say(chat, "alice", "撤回 REQ-2 不需要了")
    assert "已撤回，不能再申请例外" in await say(chat, "alice", "加急 REQ-2")
    await file_in_english(chat, "sam", "I need VPN access", "it.access",
                          {"reason": "on call for the incident"})
    assert ('has no exception "expedite"; it has: Temporary access'
            in await say(chat, "sam", "expedite REQ-3"))
    whys = [e.data["why"] for n in (1, 2, 3) for e in await trail(chat, f"REQ-{n}")
            if e.action == "exception.refused"]
    assert whys == ["not_requester", "already", "closed", "unknown_kind"]


async def test_the_lists_of_mine_of_mine_to_grant_and_of_a_service(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="中",
                        validity="1bd", justification="新同事下周一入职")
    assert "EXC-1 REQ-1 新员工入职 · 加急 · 新员工即将入职 · 待批准" in await say(
        chat, "bob", "我的例外")
    waiting = await chat.say("nina", "待我批准的例外")
    assert "待你批准的例外（1）" in text_of(waiting[0])
    assert isinstance(waiting[1], Card) and "批准例外" in [b.label for b in waiting[1].buttons]
    assert "没有等你批准的例外" in await say(chat, "leo", "待我批准的例外")
    assert "只有治理角色" in await say(chat, "bob", "例外 hr.onboarding")
    await click(chat, "nina", "批准例外")
    governance = await say(chat, "mia", "例外 hr.onboarding")  # mia holds governance
    assert "最近 1 条，生效中 1 条" in governance and "EXC-1" in governance
    assert "生效中" in await say(chat, "ivy", "例外 hr.onboarding")  # the owner group
    assert "你还没有申请过例外" in await say(chat, "alice", "my exceptions")


async def test_the_only_approver_asking_for_their_own_exception_is_refused(
        chat: ChatDriver) -> None:
    from tests.scenario.approval_steps import file_laptop

    await file_laptop(chat, "erin", 800)
    await say(chat, "erin", "expedite REQ-1")
    await click(chat, "erin", "Customer on site")
    await click(chat, "erin", "Low")
    await say(chat, "erin", "1bd")
    said = await say(chat, "erin", "The customer visits tomorrow")
    assert "Nobody but you could grant \"Expedite\"" in said
    assert (await exception_row(chat)).state == "draft"
    assert [e.data["why"] for e in await trail(chat) if e.action == "exception.refused"] == [
        "no_approver"]


async def test_an_approvers_delegate_grants_on_their_behalf_and_may_open_the_request(
        chat: ChatDriver) -> None:
    """erin (IT director) is away: sam approves for her. He gets the exception card, may open
    the request though it is not his team's, and his grant is on the trail as sam on behalf of
    erin."""
    from tests.scenario.approval_steps import file_laptop

    await say(chat, "erin", "delegate to sam until 2026-12-10")
    await file_laptop(chat, "alice", 800)
    await ask_exception(chat, "alice", "加急 REQ-1", reason="客户现场", impact="中",
                        validity="1bd", justification="客户周四到现场验收")
    opened = await click(chat, "sam", "Open the request")
    assert "REQ-1" in opened and "was not found" not in opened
    await click(chat, "sam", "Grant")
    assert (await exception_row(chat)).state == "granted"
    assert [(e.action, e.actor, e.on_behalf_of) for e in await trail(chat)
            if e.action == "exception.granted"] == [("exception.granted", "sam", "erin")]


async def test_while_expedited_reminders_use_the_policies_halved(chat: ChatDriver) -> None:
    """alice's laptop waits for bob (reminder after 4bh, escalation after 1bd); while erin's
    expedite holds they come after 2bh and half a business day; revoked, they are back."""
    from datetime import datetime

    from sqlmodel import col, select

    from store.models import TimerRow
    from tests.scenario.approval_steps import file_laptop

    async def due(kind: str) -> datetime:
        async with chat.app.db.unit_of_work() as uow:
            rows = list(await uow.session.scalars(select(TimerRow).where(
                col(TimerRow.kind) == kind, col(TimerRow.state) == "pending")))
        assert len(rows) == 1, rows
        return rows[0].due_at

    await file_laptop(chat, "alice", 800)  # Monday 10:00 in Shanghai
    assert (await due("approval.remind")).isoformat() == "2026-11-23T07:30:00+00:00"  # 15:30
    await ask_exception(chat, "alice", "加急 REQ-1", reason="客户现场", impact="中",
                        validity="1bd", justification="客户周四到现场验收")
    await click(chat, "erin", "Grant")
    assert (await due("approval.remind")).isoformat() == "2026-11-23T04:00:00+00:00"  # 12:00
    assert (await due("approval.escalate")).isoformat() == "2026-11-23T07:15:00+00:00"
    await say(chat, "carol", "撤销例外 REQ-1 客户改期了")
    assert (await due("approval.remind")).isoformat() == "2026-11-23T07:30:00+00:00"


async def test_the_status_card_button_asks_and_an_old_draft_cannot_make_a_second(
        chat: ChatDriver) -> None:
    await file_onboarding(chat)
    status = (await chat.say("bob", "REQ-1"))[-1]
    assert isinstance(status, Card) and "申请例外" in [b.label for b in status.buttons]
    await click(chat, "bob", "申请例外")
    old_draft = chat.button("bob", "新员工即将入职").action_id  # left unanswered
    await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="低",
                        validity="1bd", justification="入职日期提前了")
    await chat.click_action("bob", old_draft)
    await click(chat, "bob", "低")
    await say(chat, "bob", "1bd")
    said = await say(chat, "bob", "再申请一次试试")
    assert "已有一个「加急」例外" in said
    async with chat.app.db.unit_of_work() as uow:
        from store import exceptions as grants

        live = await grants.of_request(uow.session, request_id=1, states=grants.LIVE_STATES)
    assert [r.id for r in live] == [2]
    assert "申请例外" not in [b.label for b in (await chat.say("nina", "REQ-1"))[-1].buttons]


async def test_nina_grants_by_typing_and_a_stranger_typing_it_is_refused(
        chat: ChatDriver) -> None:
    """The exception card's Grant and Deny have typed forms ("批准例外 EXC-1", issue 15)."""
    await file_onboarding(chat)
    await say(chat, "bob", "加急 REQ-1")
    await click(chat, "bob", "其他（请说明）")
    await say(chat, "bob", "董事会要求提前入职")
    await click(chat, "bob", "低")
    await say(chat, "bob", "4h")
    await say(chat, "bob", "董事会的决定")
    assert (await exception_row(chat)).state == "requested"
    await say(chat, "sam", "grant EXC-1")  # sam is nobody on it
    assert (await exception_row(chat)).state == "requested"
    await say(chat, "nina", "批准例外 EXC-1")
    assert (await exception_row(chat)).state == "granted"
    assert "exception.granted" in [e.action for e in await trail(chat, "REQ-1")]
