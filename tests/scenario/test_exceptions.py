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
from chat.replies import Card
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
from tests.scenario.test_onboarding import file_onboarding


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


async def test_an_expedited_onboarding_from_ask_to_expiry(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    assert await resolution_target(chat) == Duration(5, "bd")
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
    status = await say(chat, "bob", "REQ-1 到哪了")
    assert "EXC-1 加急：生效中，至" in status

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
