"""The compliance figures on small histories (November 2026).

Temporary access: sam asks for VPN access (it.access), mia grants a "temporary" exception
(reason incident, impact medium) for 2 business days; at its expiry the IT desk gets the
recovery task "Revoke the access" (sla 4bh). By hand: exceptions granted 1, expired 1, active
at the end 0; the recovery task is due 4 business hours after it became ready.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.features.audit.anchor import record_chain_check
from bot.metrics.compliance import approvals_missing, audit_complete, due_at
from bot.metrics.cuts import FactView
from bot.metrics.model import Cut
from bot.testing import ChatDriver
from org.business_time import add_working_time
from store import tasks
from tests.metrics.figure_steps import figure, file, fraction, report
from tests.scenario.exception_steps import click, say


async def temporary_access(chat: ChatDriver) -> None:
    await file(chat, "sam", "I need VPN access", "it.access",
               {"reason": "on call for the incident"})
    await say(chat, "sam", "exception REQ-1")
    await click(chat, "sam", "Handling an incident")
    await click(chat, "sam", "Medium")
    await say(chat, "sam", "2 business days")
    await say(chat, "sam", "I am on call for the database incident this week")
    await click(chat, "mia", "批准例外")
    await chat.tick(days=3)  # expired: the recovery task is ready


@pytest.fixture
async def expired(db_url: str) -> AsyncIterator[ChatDriver]:
    chat = await ChatDriver.open(db_url)
    try:
        await temporary_access(chat)
        yield chat
    finally:
        await chat.close()


async def recovery_task(chat: ChatDriver) -> tasks.TaskRow:
    async with chat.app.db.unit_of_work() as uow:
        [task] = [t for t in await tasks.tasks_of(uow.session, request_id=1)
                  if t.key == "temporary.revoke"]
    return task


async def test_an_expired_exception_is_granted_and_ended_by_expiry(expired: ChatDriver) -> None:
    exceptions = figure(await report(expired, layers=("compliance",)), "exceptions")
    assert exceptions.value == 1
    assert exceptions.parts == {"granted": 1, "denied": 0, "active_at_end": 0, "expired": 1,
                                "revoked": 0}
    assert {dim: {k: f.value for k, f in rows.items()} for dim, rows in exceptions.by.items()} \
        == {"service": {"it.access": 1}, "kind": {"temporary": 1},
            "reason": {"incident": 1}, "impact": {"medium": 1}}
    assert exceptions.items == ()  # one grant: not over the review threshold (3)
    other = await report(expired, Cut(service="it.laptop"), layers=("compliance",))
    assert figure(other, "exceptions").parts["granted"] == 0


async def test_a_recovery_task_done_after_its_four_business_hours_is_late(
        expired: ChatDriver) -> None:
    task = await recovery_task(expired)
    service = expired.app.bundle.catalog.services["it.access"]
    calendar = next(iter(expired.app.bundle.calendars.values()))
    async with expired.app.db.unit_of_work() as uow:
        due = await due_at(uow.session, expired.app.services, task, service)
    assert task.ready_at is not None
    assert due == add_working_time(calendar, task.ready_at, timedelta(hours=4))
    pending = figure(await report(expired, layers=("compliance",)), "recovery_on_time")
    assert fraction(pending) == (0, 1, 0.0)  # due in November, not done (yet)
    await expired.tick(days=1)
    await say(expired, "carol", f"完成 TASK-{task.id}")
    late = figure(await report(expired, layers=("compliance",)), "recovery_on_time")
    assert fraction(late) == (0, 1, 0.0) and late.items == (f"TASK-{task.id}",)


async def test_a_recovery_task_done_in_time_counts_on_time(expired: ChatDriver) -> None:
    task = await recovery_task(expired)
    await say(expired, "carol", f"完成 TASK-{task.id}")
    on_time = figure(await report(expired, layers=("compliance",)), "recovery_on_time")
    assert fraction(on_time) == (1, 1, 1.0) and on_time.items == ()
    october = figure(await report(expired, period="2026-10", layers=("compliance",)),
                     "recovery_on_time")
    assert fraction(october) == (0, 0, None)


async def test_the_audit_chain_figure_is_the_latest_recorded_verification(
        db_url: str) -> None:
    chat = await ChatDriver.open(db_url)
    try:
        await file(chat, "alice", "忘记密码了", "it.password")
        before = figure(await report(chat, layers=("compliance",)), "audit_chain")
        assert before.value is None  # never checked: n/a
        async with chat.app.db.unit_of_work() as uow:
            assert await record_chain_check(uow.session, secret="", now=chat.clock.now)
        after = figure(await report(chat, layers=("compliance",)), "audit_chain")
        assert after.value == 1 and after.parts["first_bad_seq"] is None
        assert isinstance(after.parts["checked"], int) and after.parts["checked"] > 0
        assert after.items == (chat.clock.now.isoformat(),)
    finally:
        await chat.close()


async def test_closed_requests_with_whole_trails_and_no_claim_before_approval(
        db_url: str) -> None:
    chat = await ChatDriver.open(db_url)
    try:
        await file(chat, "alice", "我要申请一台笔记本，预算800", "it.laptop",
                   {"reason": "旧电脑坏了需要更换"})
        await chat.click("bob", "同意")
        chat.clock.advance(minutes=5)
        await chat.say("kate", "认领 TASK-1")
        await chat.say("kate", "完成 TASK-1")
        await chat.say("carol", "完成 TASK-2")
        await chat.click("alice", "是，已解决")
        found = await report(chat, layers=("compliance",))
        complete = figure(found, "audit_complete")
        assert fraction(complete) == (1, 1, 1.0) and complete.items == ()
        missing = figure(found, "approvals_missing")
        assert fraction(missing) == (0, 1, 0.0)
        assert missing.parts == {"deferred_approved_afterwards": 0, "deferred_pending": 0}
    finally:
        await chat.close()


def fact(number: int, **values: Any) -> FactView:
    base: dict[str, Any] = {
        "request_id": number, "service_id": "fin.expense", "service_department": "Finance",
        "requester": "alice", "requester_department": "Sales", "groups": (),
        "submitted_at": NOV_2,
        "first_claim_at": NOV_2 + timedelta(hours=1), "need_info_rounds": 0, "reopens": 0,
        "amendments": 0, "rejections": 0, "resubmission_of": None, "approval_required": True,
        "approval_done_at": NOV_2 + timedelta(minutes=30), "deferred_approval": False,
        "trail_complete": True}
    return FactView(**(base | values))


NOV_2 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_a_claim_before_the_approval_is_missing_unless_an_exception_deferred_it() -> None:
    claimed = [
        fact(1),  # approved, then claimed: fine
        fact(2, approval_done_at=None),  # claimed with the approval still open: missing
        fact(3, approval_done_at=NOV_2 + timedelta(hours=2)),  # approved after the claim
        fact(4, approval_done_at=None, deferred_approval=True),  # deferred, still pending
        fact(5, approval_done_at=NOV_2 + timedelta(hours=3), deferred_approval=True),
        fact(6, approval_required=False, approval_done_at=None),  # no rule asked for one
    ]
    missing = approvals_missing(claimed)
    assert fraction(missing) == (2, 6, 2 / 6) and missing.items == ("REQ-2", "REQ-3")
    assert missing.parts == {"deferred_approved_afterwards": 1, "deferred_pending": 1}
    assert fraction(approvals_missing([])) == (0, 0, None)


def test_a_closed_request_with_a_gap_in_its_trail_is_listed() -> None:
    complete = audit_complete([fact(1), fact(2, trail_complete=False), fact(3)])
    assert fraction(complete) == (2, 3, 2 / 3) and complete.items == ("REQ-2",)
