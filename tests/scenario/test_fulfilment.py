"""Agents in chat: who may claim and finish what, releasing and handing over, status in words,
confirmation and the survey, and two agents claiming the same task at once."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest

from bot.features.tasks import flow
from bot.testing import ChatDriver
from chat.events import ActionInvoked
from store import requests, surveys, tasks
from tests.scenario.approval_steps import request_row, submit, texts, trail
from tests.scenario.helpers import fill_form, text_of
from tests.scenario.test_onboarding import file_onboarding, labels, task_card


async def say(chat: ChatDriver, person: str, text: str) -> str:
    return "\n".join(text_of(m) for m in await chat.say(person, text))


async def file_password_reset(chat: ChatDriver, person: str) -> None:
    """it.password: no approval, one task for the IT desk (carol, dave); confirmation off."""
    await chat.say(person, "忘记密码了")
    await fill_form(chat, person, "it.password")
    await submit(chat, person)


async def test_a_blocked_task_can_be_neither_claimed_nor_finished(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    assert "还在等待" in await say(chat, "carol", "认领 TASK-2")
    assert "还在等待" in await say(chat, "carol", "完成 TASK-2")
    async with chat.app.db.unit_of_work() as uow:
        task = await tasks.get_task(uow.session, task_id=2)
    assert task is not None and task.state == "blocked"


async def test_only_group_members_claim_and_only_the_holder_finishes(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    assert "只有该组成员" in await say(chat, "carol", "认领 TASK-1")
    await say(chat, "ivy", "认领 TASK-1")
    assert "现在由 郑雪 处理" in await say(chat, "nina", "完成 TASK-1")
    assert "已由 郑雪" in await say(chat, "nina", "认领 TASK-1")
    assert "没有找到 TASK-99" in await say(chat, "ivy", "完成 TASK-99")
    assert "没有找到 TASK-1" in await say(chat, "alice", "TASK-1")  # not hers to see
    whys = [e.data["why"] for e in await trail(chat) if e.action == "task.refused"]
    assert whys == ["not_member", "not_assignee", "claimed"]


async def test_release_puts_the_task_back_in_the_queue(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    await chat.click("ivy", "认领")
    await chat.click("ivy", "释放")
    assert labels(task_card(chat, "nina", "TASK-1")) == ["认领", "详情"]
    await chat.click("nina", "认领")
    assert "何娜 处理中" in text_of(task_card(chat, "ivy", "TASK-1"))


async def test_a_task_handed_to_another_group_joins_its_queue(chat: ChatDriver) -> None:
    await file_password_reset(chat, "alice")
    await chat.click("carol", "认领")
    await chat.click("carol", "转交")
    assert "已把 TASK-1 转交给 行政部" in await say(chat, "carol", "admin")
    assert "认领" in labels(task_card(chat, "jack", "TASK-1"))
    assert labels(task_card(chat, "dave", "TASK-1")) == ["详情"]
    assert "没找到「nobody」" in await say(chat, "jack", "转交 TASK-1 给 nobody")


async def test_status_says_what_is_done_in_whose_hands_and_what_waits(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    await chat.click("ivy", "认领")
    shown = await say(chat, "bob", "REQ-1")
    assert "办理中：0/6 项任务已完成" in shown
    assert "处理人=郑雪、采购组" in shown
    assert "TASK-1 签订劳动合同并建立档案: 郑雪 处理中" in shown
    assert ("TASK-4 装机并在入职当天交付: 等待前置任务：开通邮箱和系统账号、采购 标准办公本 笔记本"
            in shown)
    assert "TASK-3" in shown and "待认领" in shown
    assert "审批记录=1/1: 孙伟：已同意" in shown
    [agents] = await chat.say("ivy", "REQ-1")  # agents may see the request they work on
    assert "TASK-1" in text_of(agents)


async def test_no_survey_when_the_requester_solved_it_themselves(chat: ChatDriver) -> None:
    await file_password_reset(chat, "carol")
    await say(chat, "carol", "认领 TASK-1")
    await say(chat, "carol", "完成 TASK-1")
    assert (await request_row(chat)).status == "closed"
    async with chat.app.db.unit_of_work() as uow:
        assert await surveys.get_survey(uow.session, request_id=1) is None
    assert "打个分" not in texts(chat, "carol")


async def test_without_confirmation_the_request_closes_and_the_survey_comes(
    chat: ChatDriver,
) -> None:
    await file_password_reset(chat, "alice")
    await chat.click("dave", "认领")
    await chat.click("dave", "完成")
    assert (await request_row(chat)).status == "closed"
    await chat.click("alice", "4")
    [again] = await chat.click_action("alice", "csat:1:5")
    assert "已经评过分了（4 分）" in text_of(again)
    [stranger] = await chat.click_action("bob", "csat:1:1")  # bob may not see REQ-1
    assert "没有找到 REQ-1" in text_of(stranger)


async def test_only_the_requester_confirms_and_only_while_resolved(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算800")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了需要更换"})
    await submit(chat, "alice")
    await chat.click("bob", "同意")
    await say(chat, "kate", "完成 TASK-1")
    await say(chat, "carol", "完成 TASK-2")
    assert (await request_row(chat)).status == "resolved"
    [bobs] = await chat.click_action("bob", "cfm:1:yes")
    assert "只有申请人" in text_of(bobs)
    await chat.click("alice", "是，已解决")
    [late] = await chat.click_action("alice", "cfm:1:no")
    assert "不需要确认" in text_of(late)


async def test_two_agents_claiming_at_once_get_one_owner(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = await ChatDriver.open(db_url)
    racing = {"on": False}
    if chat.app.db.dialect == "postgresql":
        _arrive_together(monkeypatch, racing)
    try:
        await file_password_reset(chat, "alice")
        clicks = [ActionInvoked(chat.key(p), secrets.token_hex(8), "tsk:1:claim")
                  for p in ("carol", "dave")]
        racing["on"] = True
        await asyncio.gather(*(chat.app.handle(c) for c in clicks))
        racing["on"] = False
        await chat.app.dispatcher.drain()
        async with chat.app.db.unit_of_work() as uow:
            task = await tasks.get_task(uow.session, task_id=1)
            request = await requests.get_request(uow.session, request_id=1)
        assert task is not None and task.assignee in ("carol", "dave")
        loser = "dave" if task.assignee == "carol" else "carol"
        assert "已由" in text_of(chat.last(loser))
        claims = [e for e in await trail(chat) if e.action == "task.claimed"]
        assert [e.actor for e in claims] == [task.assignee]
        assert request is not None and request.status == "in_progress"
    finally:
        await chat.close()


def _arrive_together(monkeypatch: pytest.MonkeyPatch, racing: dict[str, bool]) -> None:
    """Both turns reach the request lock together, so only the lock keeps them apart."""
    barrier = asyncio.Barrier(2)
    lock_request = requests.lock_request

    async def after_both_arrived(session: Any, *, request_id: int) -> Any:
        if racing["on"]:
            await barrier.wait()
        return await lock_request(session, request_id=request_id)

    monkeypatch.setattr(flow.requests, "lock_request", after_both_arrived)


async def test_withdrawing_cancels_the_open_tasks(chat: ChatDriver) -> None:
    await file_password_reset(chat, "alice")
    await chat.click("carol", "认领")
    await say(chat, "alice", "撤回 REQ-1 已经自己找回了")
    assert "已取消" in text_of(task_card(chat, "carol", "TASK-1"))
    assert labels(task_card(chat, "carol", "TASK-1")) == ["详情"]
    assert "当前为「已取消」" in await say(chat, "carol", "完成 TASK-1")


async def test_a_task_posted_to_a_group_chat_gives_its_claimer_a_card_of_their_own(
    sqlite_url: str,
) -> None:
    from dataclasses import replace

    from dialogs.loader import demo_paths, load_bundle

    bundle = load_bundle(*demo_paths())
    desk = bundle.directory.groups["it-desk"]
    groups = {**bundle.directory.groups, "it-desk": replace(desk, chat={"fake": "it-room"})}
    bundle = replace(bundle, directory=replace(bundle.directory, groups=groups))
    chat = await ChatDriver.open(sqlite_url, bundle=bundle)
    try:
        await file_password_reset(chat, "alice")
        room = [d for d in chat.channel.deliveries if d.user == ""]
        assert room and "TASK-1" in text_of(room[-1].message)
        assert not [m for m in chat.inbox("carol") if "TASK-1" in text_of(m)]
        await chat.click_action("carol", "tsk:1:claim")
        assert "完成" in labels(task_card(chat, "carol", "TASK-1"))
        await chat.click("carol", "完成")
        assert (await request_row(chat)).status == "closed"
    finally:
        await chat.close()
