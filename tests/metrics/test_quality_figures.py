"""The quality figures on a small history (alice, it.password and it.laptop, November 2026):

    REQ-1 it.password: dave asks alice for her staff number (a need-info round), done; 4 stars
    REQ-2 it.password, filed while REQ-1 was open (a duplicate); carol does it; 2 stars
    REQ-3 it.laptop: approved, done, alice says No (a reopen), done again, closed; survey
          sent, never answered

By hand: submitted 3, duplicates REQ-2 = 1 / 3; first resolved 3: missing information REQ-1
= 1 / 3; first pass only REQ-2 = 1 / 3; complaints REQ-2 (2 stars) and REQ-3 (No) = 2 / 3;
CSAT mean (4 + 2) / 2 = 3.0, answered 2 of the 3 sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.metrics.model import Cut
from bot.testing import ChatDriver
from tests.metrics.figure_steps import figure, file, fraction, report


@pytest.fixture
async def history(db_url: str) -> AsyncIterator[ChatDriver]:
    chat = await ChatDriver.open(db_url)
    try:
        await _november(chat)
        yield chat
    finally:
        await chat.close()


async def _november(chat: ChatDriver) -> None:
    await file(chat, "alice", "忘记密码了", "it.password")
    chat.clock.advance(minutes=5)
    await file(chat, "alice", "忘记密码了", "it.password")
    chat.clock.advance(minutes=5)
    await chat.say("dave", "认领 TASK-1")
    await chat.say("dave", "问 TASK-1 你的工号是多少？")
    chat.clock.advance(minutes=5)
    await chat.say("alice", "10086")
    await chat.say("dave", "完成 TASK-1")
    await chat.click_action("alice", "csat:1:4")
    await chat.say("alice", "跳过")
    chat.clock.advance(minutes=5)
    await chat.say("carol", "认领 TASK-2")
    await chat.say("carol", "完成 TASK-2")
    await chat.click_action("alice", "csat:2:2")
    await chat.say("alice", "跳过")
    chat.clock.advance(minutes=5)
    await file(chat, "alice", "我要申请一台笔记本，预算800", "it.laptop",
               {"reason": "旧电脑坏了需要更换"})
    await chat.click("bob", "同意")
    await chat.say("kate", "完成 TASK-3")
    await chat.say("carol", "完成 TASK-4")
    chat.clock.advance(minutes=5)
    await chat.click("alice", "否，还有问题")
    await chat.say("alice", "键盘坏了")
    await chat.click("alice", "装机并交付")
    chat.clock.advance(minutes=5)
    await chat.say("carol", "完成 TASK-4 换了键盘")
    await chat.click("alice", "是，已解决")


async def test_each_quality_figure_matches_the_hand_count(history: ChatDriver) -> None:
    found = await report(history, layers=("quality",))
    assert [f.key for f in found.figures] == [
        "duplicates", "missing_information", "first_pass", "csat", "complaints"]
    duplicates = figure(found, "duplicates")
    assert fraction(duplicates) == (1, 3, 1 / 3) and duplicates.items == ("REQ-2",)
    missing = figure(found, "missing_information")
    assert fraction(missing) == (1, 3, 1 / 3) and missing.items == ("REQ-1",)
    first_pass = figure(found, "first_pass")
    assert fraction(first_pass) == (1, 3, 1 / 3) and first_pass.items == ("REQ-2",)
    complaints = figure(found, "complaints")
    assert fraction(complaints) == (2, 3, 2 / 3) and complaints.items == ("REQ-2", "REQ-3")
    csat = figure(found, "csat")
    assert (csat.value, csat.numerator, csat.denominator) == (3.0, 2, 3)
    assert csat.parts == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}


async def test_the_breakdowns_by_service_and_group(history: ChatDriver) -> None:
    found = await report(history, layers=("quality",))
    duplicates = figure(found, "duplicates")
    assert {s: fraction(f)[:2] for s, f in duplicates.by["service"].items()} == {
        "it.laptop": (0, 1), "it.password": (1, 2)}
    assert {g: fraction(f)[:2] for g, f in duplicates.by["group"].items()} == {
        "it-desk": (1, 3), "procurement": (0, 1)}
    csat = figure(found, "csat").by["service"]
    assert (csat["it.laptop"].value, csat["it.laptop"].denominator) == (None, 1)
    assert (csat["it.password"].value, csat["it.password"].numerator) == (3.0, 2)


async def test_a_cut_counts_only_its_requests(history: ChatDriver) -> None:
    password = await report(history, Cut(service="it.password"), layers=("quality",))
    assert fraction(figure(password, "duplicates")) == (1, 2, 0.5)
    assert fraction(figure(password, "complaints")) == (1, 2, 0.5)
    assert figure(password, "csat").denominator == 2
    procurement = await report(history, Cut(group="procurement"), layers=("quality",))
    assert fraction(figure(procurement, "complaints")) == (1, 1, 1.0)
    assert (figure(procurement, "csat").value, figure(procurement, "csat").denominator) == (
        None, 1)
    department = history.app.bundle.directory.persons["alice"].dept
    own = await report(history, Cut(requester_department=department), layers=("quality",))
    assert fraction(figure(own, "first_pass")) == (1, 3, 1 / 3)
    elsewhere = await report(history, Cut(requester_department="no-such-department"),
                             layers=("quality",))
    assert fraction(figure(elsewhere, "first_pass")) == (0, 0, None)
    by_department = await report(history, Cut(service_department="IT"), layers=("quality",))
    assert figure(by_department, "duplicates").denominator == 3


async def test_a_period_with_nothing_in_it_is_n_a_never_zero(history: ChatDriver) -> None:
    services = history.app.services
    from bot.metrics.compute import compute, organisation_timezone
    from bot.metrics.periods import parse_period

    november = parse_period("2026-11", organisation_timezone(services))
    async with history.app.db.unit_of_work() as uow:
        found = await compute(uow.session, services, november, layers=("quality",),
                              now=history.clock.now, with_previous=True)
    assert found.previous is not None and found.previous.period.label == "2026-10"
    for shown in found.previous.figures:
        assert shown.value is None, shown.key
        assert shown.denominator == 0, shown.key
