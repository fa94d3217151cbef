"""Reports in chat (issue 19): on Monday at digest_time a service owner, a group lead and a
governance member each get one weekly report, whatever the number of planning runs or
replicas; in quiet hours it waits for their end; the monthly one goes on the month's first
working day; anyone asks for theirs in chat, in zh or en; people with no role hear who gets
reports."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from bot.features.reports.audience import audience_of
from bot.features.reports.content import at_risk_with_requests
from bot.features.reports.install import add_report_jobs, plan_report_timers
from bot.metrics.model import Cut, Figure, Period, Report
from bot.testing import ChatDriver, FakeClock
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle
from org.model import Directory
from store.models import TimerRow
from tests.pg import fresh_database
from tests.scenario.report_steps import (
    GOVERNANCE,
    LEAD,
    NEXT_MONDAY,
    OWNER,
    SHANGHAI,
    a_week_of_history,
    plan_and_send,
    reports_to,
    text,
)


async def report_timers(chat: ChatDriver) -> list[TimerRow]:
    async with chat.app.db.unit_of_work() as uow:
        found = await uow.session.scalars(select(TimerRow).where(
            col(TimerRow.kind).in_(["report.weekly", "report.monthly"])).order_by(
            col(TimerRow.id)))
        return list(found)


def bundle_with(**locales: str) -> Bundle:
    """The demo organisation with some people speaking another language."""
    bundle = load_bundle(*demo_paths())
    people = {pid: replace(p, locale=locales.get(pid, p.locale))
              for pid, p in bundle.directory.persons.items()}
    return replace(bundle, directory=replace(bundle.directory, persons=people))


async def test_monday_brings_one_weekly_report_to_an_owner_a_lead_and_governance(
    chat: ChatDriver
) -> None:
    await a_week_of_history(chat)
    chat.clock.now = NEXT_MONDAY
    assert await plan_and_send(chat) > 0

    owner = reports_to(chat, OWNER)
    assert len(owner) == 1 and "ESM 周报 2026-W48（2026-11-23 至 2026-11-29）" in owner[0]
    assert "【质量】密码重置" in owner[0] and "【效率】" not in owner[0]
    assert "· 一次通过率：1 / 1 = 100 %" in owner[0]  # REQ-1, resolved in the week
    assert "口径：" in owner[0] and "本期内首次解决的请求数" in owner[0]  # the definitions
    lead = reports_to(chat, LEAD)
    assert len(lead) == 1 and "【效率】采购组" in lead[0]
    assert "【质量】采购申请" in lead[0]  # kate also owns procurement's service: one message
    assert "· 积压：1（上期 0，↑）" in lead[0]  # REQ-2, open at the week's end
    assert "有超时风险的任务：TASK-2（REQ-2）" in lead[0]  # its purchase, waiting all week
    governance = reports_to(chat, GOVERNANCE)
    assert len(governance) == 1 and "【合规】全公司" in governance[0]
    assert "· 审计记录完整率：1 / 1 = 100 %" in governance[0]  # REQ-1 closed in the week
    assert "【质量】" not in governance[0]
    assert reports_to(chat, "alice") == [] and reports_to(chat, "bob") == []

    assert await plan_and_send(chat) == 0  # the cron runs again: nothing new
    assert [len(reports_to(chat, p)) for p in (OWNER, LEAD, GOVERNANCE)] == [1, 1, 1]
    keys = {t.dedupe_key for t in await report_timers(chat)}
    assert {"report.weekly:dave:2026-W48", "report.weekly:kate:2026-W48",
            "report.weekly:mia:2026-W48"} <= keys
    assert not any(k and k.startswith("report.weekly:alice") for k in keys)


async def test_no_report_on_other_days_and_none_when_switched_off(sqlite_url: str) -> None:
    tuesday = FakeClock(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    chat = await ChatDriver.open(sqlite_url, clock=tuesday, reports={"weekly": False})
    try:
        assert await plan_and_send(chat) == 0
        chat.clock.now = NEXT_MONDAY
        assert await plan_and_send(chat) == 0  # weekly is off; Nov 30 is no first working day
        assert reports_to(chat, OWNER) == []
    finally:
        await chat.close()


async def test_in_quiet_hours_the_report_waits_for_their_end(sqlite_url: str) -> None:
    early = FakeClock(NEXT_MONDAY.replace(hour=0))  # 08:00 in Shanghai, digest_time 08:00
    chat = await ChatDriver.open(sqlite_url, clock=early,
                                 policies={"digest_time": "08:00", "quiet_hours": "21:00-09:30"})
    try:
        assert await plan_and_send(chat) > 0
        assert reports_to(chat, OWNER) == []
        waiting = [t for t in await report_timers(chat) if t.state == "pending"]
        assert {t.due_at for t in waiting} == {datetime(2026, 11, 30, 1, 30, tzinfo=UTC)}
        await chat.tick(minutes=89)
        assert reports_to(chat, OWNER) == []
        await chat.tick(minutes=1)  # 09:30: quiet hours are over
        assert len(reports_to(chat, OWNER)) == 1 and len(reports_to(chat, GOVERNANCE)) == 1
        await chat.tick(hours=1)
        assert len(reports_to(chat, OWNER)) == 1
    finally:
        await chat.close()


async def test_the_monthly_report_goes_on_the_first_working_day(sqlite_url: str) -> None:
    """October 2026 starts with the National Day holiday: its first working day is the 8th;
    November starts on a Sunday: Monday the 2nd (also a weekly day: two reports)."""
    clock = FakeClock(datetime(2026, 10, 1, 1, 0, tzinfo=UTC))
    chat = await ChatDriver.open(sqlite_url, clock=clock)
    try:
        for day in range(1, 8):  # Monday the 5th brings the weekly one only
            clock.now = datetime(2026, 10, day, 1, 0, tzinfo=UTC)
            await plan_and_send(chat)
            assert reports_to(chat, GOVERNANCE, "ESM 月报") == [], day
        assert len(reports_to(chat, GOVERNANCE, "ESM 周报 2026-W40")) == 1
        clock.now = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
        assert await plan_and_send(chat) > 0
        monthly = reports_to(chat, GOVERNANCE, "ESM 月报")
        assert len(monthly) == 1 and "ESM 月报 2026-09（2026-09-01 至 2026-09-30）" in monthly[0]
        assert len(reports_to(chat, GOVERNANCE, "ESM 周报")) == 1  # the 8th is a Thursday

        clock.now = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
        assert await plan_and_send(chat) == 0  # Sunday the 1st
        clock.now = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
        assert await plan_and_send(chat) > 0
        assert any("ESM 月报 2026-10" in r for r in reports_to(chat, GOVERNANCE))
        assert any("ESM 周报 2026-W44" in r for r in reports_to(chat, GOVERNANCE))
        assert len(reports_to(chat, OWNER)) == 4  # W40, 2026-09, W44, 2026-10
    finally:
        await chat.close()


async def test_asking_for_a_report_in_chat_gives_the_last_complete_period(
    sqlite_url: str
) -> None:
    chat = await ChatDriver.open(sqlite_url, bundle=bundle_with(dave="en"),
                                 web={"public_url": "https://esm.example.com/"})
    try:
        await a_week_of_history(chat)
        chat.clock.now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # a Wednesday
        zh = text(await chat.say("carol", "本周报表"))
        assert "ESM 周报 2026-W48（2026-11-23 至 2026-11-29）" in zh
        assert "这是最近一个完整自然周的报表" in zh
        assert "【质量】笔记本电脑申请" in zh and "【效率】IT 服务台" in zh
        assert ("质量看板：https://esm.example.com/console/dashboard/quality?period=2026-W48"
                in zh)
        assert "效率看板：https://esm.example.com/console/dashboard/efficiency?period=2026-W48" \
            in zh
        en = text(await chat.say("dave", "monthly report"))
        assert "ESM monthly report 2026-11 (2026-11-01 to 2026-11-30)" in en
        assert "This covers the last complete month" in en and "[Quality] Password reset" in en
        assert "ESM weekly report 2026-W48" in text(await chat.say("dave", "report"))
        assert "ESM 月报 2026-11" in text(await chat.say("mia", "本月报表"))
    finally:
        await chat.close()


async def test_someone_with_no_role_hears_who_gets_reports(chat: ChatDriver) -> None:
    answer = text(await chat.say("alice", "本周报表"))
    assert "你没有要看的报表" in answer and "governance" in answer
    answer = text(await chat.say("sam", "weekly report"))
    assert "You have no report to read" in answer and "group leads" in answer
    assert "ESM" not in text(chat.inbox("alice"))


async def test_report_is_a_command_not_a_catalog_search(chat: ChatDriver) -> None:
    for words in ("report", "周报", "月报", "本月报表"):
        answer = text(await chat.say("alice", words))
        assert "你没有要看的报表" in answer, words
    async with chat.app.db.unit_of_work() as uow:
        assert (await uow.session.scalars(select(TimerRow))).first() is None


async def test_with_a_form_open_the_report_comes_and_the_question_again(
    chat: ChatDriver
) -> None:
    await chat.say("carol", "我要申请一台笔记本，预算800")
    asked = chat.last("carol").asks
    answer = await chat.say("carol", "本周报表")
    assert "ESM 周报" in text(answer)
    assert answer[-1].asks == asked


async def test_tasks_at_risk_are_listed_with_their_request(chat: ChatDriver) -> None:
    await a_week_of_history(chat)  # REQ-2's purchase task TASK-2 is open
    at_risk = Figure("tasks_at_risk", "efficiency", "count", value=1, items=("TASK-2",))
    week = Period(NEXT_MONDAY, NEXT_MONDAY, "2026-W48")
    report = Report(week, Cut(group="procurement"), (at_risk,), NEXT_MONDAY)
    async with chat.app.db.unit_of_work() as uow:
        assert await at_risk_with_requests(uow.session, report) == (("TASK-2", "REQ-2"),)


def test_who_gets_which_part() -> None:
    bundle = load_bundle(*demo_paths())
    carol = audience_of(bundle, "carol")
    assert carol.services == ("it.access", "it.laptop", "it.password")
    assert carol.groups == ("it-desk",) and not carol.governance
    assert audience_of(bundle, "dave").groups == ()
    assert audience_of(bundle, "mia").governance and audience_of(bundle, "alice").empty
    no_owner = replace(bundle, directory=Directory(persons=bundle.directory.persons,
                                                   groups={}, roles={}, depts={}))
    assert audience_of(no_owner, "carol").empty


async def test_two_replicas_on_postgresql_send_each_report_once(
    tmp_path: Path, postgres_server: str
) -> None:
    async with fresh_database("postgresql", tmp_path, migrated=True) as url:
        clock = FakeClock(NEXT_MONDAY)
        east = await ChatDriver.open(url, clock=clock)
        west = await ChatDriver.open(url, clock=clock)
        try:
            planned = await asyncio.gather(plan_report_timers(east.app, SHANGHAI),
                                           plan_report_timers(west.app, SHANGHAI))
            assert planned[0] + planned[1] == len([t for t in await report_timers(east)])
            clock.advance(seconds=1)
            await asyncio.gather(east.app.sweeper.sweep(), west.app.sweeper.sweep())
            await asyncio.gather(east.app.dispatcher.drain(), west.app.dispatcher.drain())
            for person in (OWNER, LEAD, GOVERNANCE):
                assert len(reports_to(east, person)) + len(reports_to(west, person)) == 1
        finally:
            await west.close()
            await east.close()


async def test_the_app_runs_a_report_job_per_time_zone(chat: ChatDriver) -> None:
    assert {"report.weekly", "report.monthly"} <= set(chat.app.timer_handlers)
    add_report_jobs(chat.app)
    job = chat.app.scheduler.get_job("report:Asia/Shanghai")
    assert job is not None and job.max_instances == 1 and job.coalesce
    assert str(job.trigger.timezone) == "Asia/Shanghai"
