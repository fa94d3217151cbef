"""Journeys of filing a request, in Chinese and English, through the fake channel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.testing import ChatDriver
from chat.replies import Card
from store import audit, requests
from tests.scenario.helpers import fill_form, is_confirmation, text_of


async def stored_requests(chat: ChatDriver) -> list[requests.RequestRow]:
    async with chat.app.db.unit_of_work() as uow:
        return await requests.list_requests(uow.session)


async def test_alice_files_a_travel_expense_in_chinese_without_being_asked_twice(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要报销差旅费8000元")
    asked = await fill_form(chat, "alice", "fin.expense")
    assert "amount" not in asked and "category" not in asked
    confirmation = chat.last("alice")
    assert is_confirmation(confirmation)
    assert "8,000" in text_of(confirmation)
    await chat.click("alice", "提交")
    assert "REQ-1" in text_of(chat.last("alice"))
    [row] = await stored_requests(chat)
    assert row.service_id == "fin.expense"
    assert row.answers["amount"] == 8000 and row.answers["category"] == "travel"
    assert row.status == "pending_approval" and row.requester == "alice"


async def test_sam_files_the_same_in_english(chat: ChatDriver) -> None:
    [intro, *_] = await chat.say("sam", "I want to claim travel expenses of 8000")
    assert "\". From your message I noted:" in text_of(intro)
    asked = await fill_form(chat, "sam", "fin.expense", {"description": "Client visit"})
    assert "amount" not in asked and "category" not in asked
    assert "Please confirm" in text_of(chat.last("sam"))
    submitted = await chat.click("sam", "Submit")
    assert "Submitted REQ-1" in text_of(submitted[0])
    [row] = await stored_requests(chat)
    assert Decimal(str(row.answers["amount"])) == Decimal(8000)


async def test_a_laptop_request_keeps_the_budget_and_asks_the_model(chat: ChatDriver) -> None:
    replies = await chat.say("alice", "我要申请一台笔记本，预算8000")
    assert "8,000" in text_of(replies[0])
    assert chat.last("alice").asks == "model"


async def test_invalid_answers_are_re_asked_with_the_reason(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请笔记本")
    await chat.click("alice", "标准办公本")
    assert chat.last("alice").asks == "amount"
    replies = await chat.say("alice", "很贵的那种")
    assert replies[0].asks == "amount" and "数字" in text_of(replies[0])
    assert chat.last("alice").asks == "amount"


async def test_a_second_submit_click_files_nothing_twice(chat: ChatDriver) -> None:
    await chat.say("alice", "我要报销差旅费8000元")
    await fill_form(chat, "alice", "fin.expense")
    submit = chat.button("alice", "提交")
    await chat.click_action("alice", submit.action_id)
    replies = await chat.click_action("alice", submit.action_id)
    assert "不会重复提交" in text_of(replies[0])
    assert len(await stored_requests(chat)) == 1


async def test_a_redelivered_event_is_processed_once(chat: ChatDriver) -> None:
    await chat.say("alice", "我要报销差旅费8000元")
    await fill_form(chat, "alice", "fin.expense")
    submit = chat.button("alice", "提交")
    await chat.click_action("alice", submit.action_id, event_id="evt-1")
    replies = await chat.click_action("alice", submit.action_id, event_id="evt-1")
    assert replies == []
    assert len(await stored_requests(chat)) == 1


async def test_a_restart_mid_dialog_continues_where_it_was(sqlite_url: str) -> None:
    first = await ChatDriver.open(sqlite_url)
    await first.say("alice", "我要报销差旅费8000元")
    question = first.last("alice").asks
    await first.close()

    second = await ChatDriver.open(sqlite_url)
    try:
        await fill_form_from_restart(second, question)
        await second.say("alice", "提交")
        [row] = await stored_requests(second)
        assert row.answers["amount"] == 8000
    finally:
        await second.close()


async def fill_form_from_restart(chat: ChatDriver, question: str | None) -> None:
    assert question is not None
    service = chat.app.bundle.catalog.get("fin.expense")
    assert service is not None
    fdef = service.field(question)
    assert fdef is not None
    answer = "2026-11-20" if fdef.type == "date" else "客户拜访"
    await chat.say("alice", answer)
    await fill_form(chat, "alice", "fin.expense")


async def test_an_idle_form_expires_and_says_so(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请笔记本")
    chat.clock.advance(minutes=31)
    replies = await chat.say("alice", "2")
    assert "过期" in text_of(replies[0])
    assert await stored_requests(chat) == []


async def test_an_ambiguous_sentence_asks_which_and_keeps_what_it_said(chat: ChatDriver) -> None:
    replies = await chat.say("alice", "申请电脑 采购 8000")
    card = replies[-1]
    assert isinstance(card, Card)
    assert {b.action_id for b in card.buttons} >= {"pick:it.laptop", "pick:proc.purchase"}
    await chat.click_action("alice", "pick:it.laptop")
    assert "8,000" in text_of(chat.inbox("alice")[-2])
    assert chat.last("alice").asks == "model"


async def test_a_near_miss_is_offered_as_a_suggestion(chat: ChatDriver) -> None:
    replies = await chat.say("alice", "要个房间")  # 机票 alone now opens the trip form
    assert any(isinstance(m, Card) and any(b.action_id == "pick:admin.meeting_room"
                                           for b in m.buttons)
               for m in replies)


async def test_no_match_offers_the_catalog_by_department(chat: ChatDriver) -> None:
    replies = await chat.say("alice", "qwertyuiop")
    catalog = replies[-1]
    assert isinstance(catalog, Card)
    assert {"cat:IT", "cat:HR"} <= {b.action_id for b in catalog.buttons}
    # departments are shown by their display names in the reader's language
    assert {"信息技术部", "人力资源部"} <= {b.label for b in catalog.buttons}
    await chat.click("alice", "信息技术部")
    services = chat.last("alice")
    assert isinstance(services, Card)
    assert "信息技术部" in (services.title or "")
    assert any(b.action_id == "pick:it.laptop" for b in services.buttons)


async def test_the_audit_trail_records_the_submission_and_verifies(chat: ChatDriver) -> None:
    await chat.say("alice", "我要报销差旅费8000元")
    await fill_form(chat, "alice", "fin.expense")
    await chat.click("alice", "提交")
    async with chat.app.db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject="REQ-1")
        result = await audit.verify(uow.session)
    assert [e.action for e in events] == [
        "request.submitted", "approval.started", "approval.step_started"]
    assert events[0].actor == "alice"
    assert result.ok



@pytest.mark.parametrize("word", ["取消", "cancel", "上一步", "跳过", "提交"])
async def test_a_form_word_with_no_form_open_says_so(chat: ChatDriver, word: str) -> None:
    """Regression: "取消" with nothing open was matched against the catalog."""
    [answer] = await chat.say("alice", word)
    assert "没有正在填写的表单" in text_of(answer)
