"""Request facts kept as people work: each turn that extends a trail folds its request's row in
the same transaction, and folding every trail again gives the same rows (SQLite and
PostgreSQL). The fake clock starts on Monday 2026-11-23 10:00 Shanghai (02:00 UTC)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete

from bot.cli import main
from bot.features.time import fact_rows
from bot.features.time.install import fill_missing_facts
from bot.testing import ChatDriver
from store import facts, requests
from store.models import RequestFactRow
from store.requests import format_request_id
from tests.metrics.journeys import file_password
from tests.scenario.approval_steps import file_laptop

HOUR = 3600.0


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


async def fact(chat: ChatDriver, number: int = 1) -> RequestFactRow:
    async with chat.app.db.unit_of_work() as uow:
        row = await facts.get(uow.session, number)
    assert row is not None, f"REQ-{number} has no fact row"
    return row


async def stored_and_refolded(chat: ChatDriver) -> tuple[list[dict[str, object]],
                                                         list[dict[str, object]]]:
    """Every stored row, and what folding each request's trail again gives."""
    async with chat.app.db.unit_of_work() as uow:
        stored = [facts.values_of(row) for row in await facts.all_facts(uow.session)]
        refolded = []
        for request in await requests.list_requests(uow.session, limit=1000):
            links = await facts.links_of(uow.session, format_request_id(request.id or 0))
            folded = fact_rows.facts_of(chat.app.services, request,
                                        fact_rows.links_from(links))
            assert folded is not None
            refolded.append(facts.values_of(fact_rows.as_row(folded)))
    return stored, sorted(refolded, key=lambda row: int(str(row["request_id"])))


async def password_with_a_question(chat: ChatDriver, person: str = "alice") -> None:
    """10:00 filed; 11:00 carol claims; 12:00 asks; 13:00 answered; 14:00 done (closed)."""
    await file_password(chat, person)
    chat.clock.advance(hours=1)
    await chat.click("carol", "认领")
    chat.clock.advance(hours=1)
    await chat.click("carol", "需要信息")
    await chat.say("carol", "你的工号是多少？")
    chat.clock.advance(hours=1)
    await chat.say(person, "回复 TASK-1 A123")
    chat.clock.advance(hours=1)
    await chat.click("carol", "完成")


async def test_a_question_to_the_requester_is_a_need_info_round_and_a_pause(
        chat: ChatDriver) -> None:
    await file_password(chat, "alice")
    filed = await fact(chat)
    assert (filed.status, filed.submitted_at, filed.groups) == ("in_progress", utc(2),
                                                               ["it-desk"])
    assert (filed.service_department, filed.requester_department) == ("IT", "Engineering")
    assert filed.first_resolved_at is None and filed.stage_wall == {}
    chat.clock.advance(hours=1)
    await chat.click("carol", "认领")
    assert (await fact(chat)).first_claim_at == utc(3)
    assert (await fact(chat)).response_late is False  # claimed after 1 h of 1bh
    chat.clock.advance(hours=1)
    await chat.click("carol", "需要信息")
    await chat.say("carol", "你的工号是多少？")
    chat.clock.advance(hours=1)
    await chat.say("alice", "回复 TASK-1 A123")
    chat.clock.advance(hours=1)
    await chat.click("carol", "完成")
    done = await fact(chat)
    assert (done.status, done.first_resolved_at, done.closed_at) == ("closed", utc(6), utc(6))
    assert done.need_info_rounds == 1 and done.trail_complete
    assert done.completion_wall_s == 4 * HOUR
    # 10-11 waiting for a claim, 11-12 and 13-14 in work, 12-13 waiting for alice
    assert done.stage_wall == {"approval": 0.0, "claim_wait": HOUR, "work": 2 * HOUR,
                               "requester_wait": HOUR, "confirmation": 0.0, "other": 0.0}
    # 2bh, the question's hour paused: 10-12 and 13:30-14:00 = 2.5 working hours: late
    assert (done.resolution_target, done.resolution_late) == ("2bh", True)


async def test_a_send_back_and_the_approval_are_in_the_facts(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)  # two steps: bob, then henry (or the CFO)
    chat.clock.advance(hours=1)
    await chat.click("bob", "同意")
    chat.clock.advance(hours=1)
    await chat.say("henry", "退回 REQ-1 请补充型号和用途")
    returned = await fact(chat)
    assert returned.status == "returned" and returned.need_info_rounds == 1
    assert returned.approval_required and returned.approval_done_at is None
    chat.clock.advance(hours=1)
    await chat.say("alice", "答复 REQ-1 做视频剪辑，要高性能本")
    chat.clock.advance(hours=1)
    await chat.click("henry", "同意")
    approved = await fact(chat)
    assert approved.status == "in_progress" and approved.approval_done_at == utc(6)
    assert approved.first_response_at == utc(3)  # bob's decision
    assert approved.groups == ["procurement", "it-desk"]
    assert [s for _at, s in approved.statuses] == [
        "submitted", "pending_approval", "returned", "pending_approval", "in_progress"]


async def test_a_reopen_counts_and_the_first_resolution_stays(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("bob", "同意 REQ-1")
    for agent, tid in (("kate", "TASK-1"), ("carol", "TASK-2")):
        await chat.say(agent, f"认领 {tid}")
        chat.clock.advance(hours=1)
        await chat.say(agent, f"完成 {tid}")
    first = (await fact(chat)).first_resolved_at
    assert first == utc(4) and (await fact(chat)).status == "resolved"
    chat.clock.advance(hours=1)
    await chat.click("alice", "否，还有问题")
    await chat.say("alice", "笔记本还没到货")
    reopened = await fact(chat)
    assert reopened.reopens == 1 and reopened.status == "in_progress"
    assert reopened.stage_wall["confirmation"] == HOUR  # resolved 12:00, reopened 13:00
    chat.clock.advance(hours=1)
    await chat.say("kate", "完成 TASK-1 已到货")
    chat.clock.advance(hours=1)
    await chat.click("alice", "是，已解决")
    closed = await fact(chat)
    assert closed.first_resolved_at == first and closed.status == "closed"
    assert closed.stage_wall["confirmation"] == 2 * HOUR  # and 14:00-15:00
    assert closed.trail_complete


async def test_stored_rows_are_what_folding_the_trails_again_gives(db_url: str) -> None:
    chat = await ChatDriver.open(db_url)
    try:
        await password_with_a_question(chat)
        await file_laptop(chat, "bob", 800)
        await chat.say("frank", "同意 REQ-2")
        await chat.say("kate", "认领 TASK-2")
        await chat.tick(days=3)  # reminders, breaches and escalations extend the trails too
        await file_password(chat, "grace")
        await chat.say("grace", "撤回 REQ-3 不需要了")
        stored, refolded = await stored_and_refolded(chat)
        assert len(stored) == 3 and stored == refolded
        before = stored
        async with chat.app.db.unit_of_work() as uow:
            await uow.session.execute(delete(RequestFactRow).where(
                RequestFactRow.request_id != 2))  # type: ignore[arg-type]
            assert await facts.count_missing(uow.session) == 2
        assert await fill_missing_facts(chat.app) == 2  # what serve and chat do at start
        assert await fact_rows.rebuild(chat.app.db, chat.app.services, batch=2) == 3
        stored, _refolded = await stored_and_refolded(chat)
        assert stored == before
    finally:
        await chat.close()


def test_esmbot_metrics_rebuild_folds_every_request_again(tmp_path: Path,
                                                          capsys: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"

    async def history() -> list[dict[str, object]]:
        chat = await ChatDriver.open(url)
        try:
            await password_with_a_question(chat)
            await file_password(chat, "grace")
            async with chat.app.db.unit_of_work() as uow:
                rows = [facts.values_of(r) for r in await facts.all_facts(uow.session)]
                await uow.session.execute(delete(RequestFactRow))
            return rows
        finally:
            await chat.close()

    async def now_stored() -> list[dict[str, object]]:
        chat = await ChatDriver.open(url)
        try:
            async with chat.app.db.unit_of_work() as uow:
                return [facts.values_of(r) for r in await facts.all_facts(uow.session)]
        finally:
            await chat.close()

    before = asyncio.run(history())
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(config), "metrics", "rebuild", "--missing"]) == 0
    assert "2 request(s)" in capsys.readouterr().out  # type: ignore[attr-defined]
    assert asyncio.run(now_stored()) == before
    assert main(["--config", str(config), "metrics", "rebuild"]) == 0
    assert asyncio.run(now_stored()) == before
