"""The seeds' central journey: one onboarding request fans out to HR, IT, procurement, admin and
finance, in dependency order, and is done only when the requester says the newcomer can work.

bob (赵强) hires 李雷; frank approves. Tasks: TASK-1 contract (hr-ops: ivy, nina) -> TASK-2
accounts (it-desk: carol, dave), TASK-5 desk and badge (admin: jack), TASK-6 expense account
(finance: tina, grace); TASK-3 laptop (procurement: kate); TASK-4 set-up (it-desk) after
TASK-2 and TASK-3.
"""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Card
from store import audit, surveys
from tests.scenario.approval_steps import request_row, submit, texts, trail
from tests.scenario.helpers import fill_form, text_of

NEWCOMER = {"newcomer": "李雷", "start_date": "2026-12-01", "dept": "研发部",
            "position": "后端工程师", "needs_laptop": "是", "laptop_model": "标准办公本"}


async def file_onboarding(chat: ChatDriver) -> None:
    await chat.say("bob", "新员工入职")
    await fill_form(chat, "bob", "hr.onboarding", NEWCOMER)
    await submit(chat, "bob")
    await chat.click("frank", "同意")


def task_card(chat: ChatDriver, person: str, tid: str) -> Card:
    cards = [m for m in chat.inbox(person) if isinstance(m, Card) and tid in m.title]
    assert cards, f"{person} has no card for {tid}"
    return cards[-1]


def labels(card: Card) -> list[str]:
    return [b.label for b in card.buttons]


async def step(chat: ChatDriver, person: str, text: str) -> str:
    chat.clock.advance(minutes=5)
    return "\n".join(text_of(m) for m in await chat.say(person, text))


async def test_the_onboarding_journey_end_to_end(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    assert (await request_row(chat)).status == "in_progress"
    assert "已交给 人事服务组、采购组 办理" in texts(chat, "bob")
    assert labels(task_card(chat, "ivy", "TASK-1")) == ["认领", "详情"]
    assert "采购 标准办公本 笔记本" in task_card(chat, "kate", "TASK-3").title

    # HR first: the accounts task waits for the contract
    assert "还在等待 签订劳动合同并建立档案" in await step(chat, "carol", "认领 TASK-2")
    chat.clock.advance(minutes=5)
    await chat.click("ivy", "认领")
    assert "郑雪 处理中" in text_of(task_card(chat, "nina", "TASK-1"))
    assert labels(task_card(chat, "nina", "TASK-1")) == ["详情"]
    assert "郑雪 开始处理 REQ-1" in texts(chat, "bob")
    assert "已完成 TASK-1" in await step(chat, "ivy", "完成 TASK-1 合同已签")

    # now IT, admin and finance have their cards
    for person, tid in (("carol", "TASK-2"), ("dave", "TASK-2"), ("jack", "TASK-5"),
                        ("tina", "TASK-6")):
        assert "认领" in labels(task_card(chat, person, tid))

    # IT: carol claims and hands over to dave, who needs information from bob
    await step(chat, "carol", "认领 TASK-2")
    assert "已把 TASK-2 转交给 刘洋" in await step(chat, "carol", "转交 TASK-2 给 dave")
    assert "完成" in labels(task_card(chat, "dave", "TASK-2"))
    chat.clock.advance(minutes=5)
    await chat.click("dave", "需要信息")
    await step(chat, "dave", "邮箱用拼音还是英文名？")
    assert "邮箱用拼音还是英文名？" in texts(chat, "bob")
    assert "已把你的回复转给 刘洋" in await step(chat, "bob", "用拼音 lilei")
    assert "赵强 回复了 TASK-2：用拼音 lilei" in texts(chat, "dave")
    await step(chat, "dave", "完成 TASK-2 lilei@example.com 已开通")

    # procurement and the set-up that waits for both
    await step(chat, "kate", "认领 TASK-3")
    await step(chat, "kate", "完成 TASK-3 已下单")
    assert "认领" in labels(task_card(chat, "carol", "TASK-4"))
    await step(chat, "carol", "认领 TASK-4")
    await step(chat, "carol", "完成 TASK-4")

    # admin finishes straight from the queue; finance last
    [title, *_] = await chat.say("jack", "队列")
    assert "「行政部」待认领（1）" in text_of(title)
    await step(chat, "jack", "完成 TASK-5")
    await step(chat, "tina", "认领 TASK-6")
    await step(chat, "tina", "完成 TASK-6")

    # bob is asked; the badge is missing, so the last task reopens with the reason
    assert (await request_row(chat)).status == "resolved"
    chat.clock.advance(minutes=5)
    await chat.click("bob", "否，还有问题")
    assert "已重新打开 REQ-1，徐婷 会继续处理" in await step(chat, "bob", "报销账户还没开通")
    assert "报销账户还没开通" in texts(chat, "tina")
    assert (await request_row(chat)).status == "in_progress"
    await step(chat, "tina", "完成 TASK-6 已开通")
    chat.clock.advance(minutes=5)
    await chat.click("bob", "是，已解决")
    assert (await request_row(chat)).status == "closed"

    # the survey: one tap, then an optional comment
    chat.clock.advance(minutes=5)
    await chat.click("bob", "5")
    await step(chat, "bob", "很顺利，谢谢大家")
    async with chat.app.db.unit_of_work() as uow:
        survey = await surveys.get_survey(uow.session, request_id=1)
        assert (await audit.verify(uow.session)).ok
    assert survey is not None and survey.score == 5 and survey.comment == "很顺利，谢谢大家"
    assert survey.service_id == "hr.onboarding"
    assert survey.groups == ["admin", "finance", "hr-ops", "it-desk", "procurement"]

    steps = [(e.action, e.actor) for e in await trail(chat)
             if not e.action.startswith(("task.created", "approval.step"))]
    assert steps == [
        ("request.submitted", "bob"), ("approval.started", "bob"),
        ("approval.approved", "frank"), ("approval.completed", "frank"),
        ("request.in_progress", "frank"),
        ("task.refused", "carol"),
        ("task.claimed", "ivy"), ("task.done", "ivy"),
        ("task.ready", "ivy"), ("task.ready", "ivy"), ("task.ready", "ivy"),
        ("task.claimed", "carol"), ("task.handed_over", "carol"),
        ("task.info_requested", "dave"), ("task.info_answered", "bob"), ("task.done", "dave"),
        ("task.claimed", "kate"), ("task.done", "kate"), ("task.ready", "kate"),
        ("task.claimed", "carol"), ("task.done", "carol"),
        ("task.done", "jack"),
        ("task.claimed", "tina"), ("task.done", "tina"),
        ("request.resolved", "tina"),
        ("request.reopened", "bob"), ("task.reopened", "bob"),
        ("task.done", "tina"), ("request.resolved", "tina"),
        ("request.closed", "bob"), ("survey.answered", "bob"), ("survey.commented", "bob"),
    ]
