"""Journeys of issue 15's "Matching and prefill": close services are asked about instead of a
wrong form opening, everyday phrasings find their service, and a Chinese first sentence fills
as much of the form as its English twin does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.testing import ChatDriver
from chat.replies import Card, Message
from store import requests
from tests.scenario.helpers import fill_form, is_confirmation, text_of


async def stored(chat: ChatDriver) -> list[requests.RequestRow]:
    async with chat.app.db.unit_of_work() as uow:
        return await requests.list_requests(uow.session)


def did_you_mean(messages: list[Message]) -> Card:
    [card] = [m for m in messages if isinstance(m, Card) and m.footer]
    return card


def picks(card: Card) -> list[str]:
    return [b.action_id for b in card.buttons]


# --- Chinese prefill as good as English ------------------------------------------------------


@pytest.mark.parametrize(("person", "sentence"), [("alice", "我的工牌丢了"),
                                                  ("sam", "I lost my badge")])
async def test_a_lost_badge_is_noted_as_lost_in_both_languages(
    chat: ChatDriver, person: str, sentence: str
) -> None:
    await chat.say(person, sentence)
    assert await fill_form(chat, person, "admin.badge") == []  # the reason was not asked
    assert is_confirmation(chat.last(person))
    await chat.click_action(person, next(b.action_id for b in chat.last(person).buttons
                                         if b.action_id.endswith(":submit")))
    [row] = await stored(chat)
    assert row.service_id == "admin.badge" and row.answers == {"reason": "lost"}


async def test_a_broken_badge_is_noted_as_damaged(chat: ChatDriver) -> None:
    [intro, *_] = await chat.say("alice", "工卡磨坏了，照片都看不清了")
    assert "损坏" in text_of(intro)
    assert is_confirmation(chat.last("alice"))


async def test_a_certificate_for_a_visa_notes_purpose_copies_and_language(
    chat: ChatDriver,
) -> None:
    [intro, *_] = await chat.say("alice", "办签证用，要两份英文的")
    assert all(word in text_of(intro) for word in ("办理签证", "2", "英文"))
    assert is_confirmation(chat.last("alice"))
    await chat.click("alice", "提交")
    [row] = await stored(chat)
    assert row.service_id == "hr.certificate"
    assert row.answers == {"purpose": "visa", "copies": 2, "language": "en"}


async def test_a_taxi_fare_is_claimed_as_transport(chat: ChatDriver) -> None:
    await chat.say("alice", "报销打车费50元")
    asked = await fill_form(chat, "alice", "fin.expense")
    assert "category" not in asked and "amount" not in asked
    await chat.click("alice", "提交")
    [row] = await stored(chat)
    assert row.answers["category"] == "transport"
    assert Decimal(str(row.answers["amount"])) == Decimal("50")


# --- everyday phrasings without catalog words ----------------------------------------------


@pytest.mark.parametrize(("person", "sentence", "service_id"), [
    ("alice", "我想买两台显示器", "proc.purchase"),
    ("alice", "我要领30支签字笔", "admin.supplies"),
    ("sam", "I'm travelling to Shanghai next week", "fin.travel"),
])
async def test_an_everyday_sentence_opens_its_form(
    chat: ChatDriver, person: str, sentence: str, service_id: str
) -> None:
    await chat.say(person, sentence)
    await fill_form(chat, person, service_id)
    assert is_confirmation(chat.last(person))
    await chat.click_action(person, next(b.action_id for b in chat.last(person).buttons
                                         if b.action_id.endswith(":submit")))
    [row] = await stored(chat)
    assert row.service_id == service_id


# --- "did you mean A or B?" ---------------------------------------------------------------


async def test_a_train_ticket_on_a_trip_asks_trip_or_expense_and_a_typed_number_picks(
    chat: ChatDriver,
) -> None:
    card = did_you_mean(await chat.say("alice", "出差的火车票能报吗"))
    assert card.title == "你是想办「出差申请」还是「费用报销」？"
    assert picks(card) == ["pick:fin.travel", "pick:fin.expense", "cat"]
    assert await stored(chat) == []  # no form opened, nothing filed
    [intro, question] = await chat.say("alice", "2")
    assert "费用报销" in text_of(intro) and "差旅费" in text_of(intro)  # prefilled from it
    assert question.asks == "amount"


async def test_the_card_takes_a_tap_an_ordinal_or_a_name(chat: ChatDriver) -> None:
    card = did_you_mean(await chat.say("alice", "出差报销"))
    assert picks(card) == ["pick:fin.expense", "pick:fin.travel", "cat"]
    await chat.click_action("alice", "pick:fin.travel")
    assert chat.last("alice").asks == "destination"
    did_you_mean(await chat.say("bob", "出差报销"))
    await chat.say("bob", "第二个")
    assert chat.last("bob").asks == "destination"
    did_you_mean(await chat.say("carol", "出差报销"))
    await chat.say("carol", "费用报销")
    assert "费用报销" in text_of(chat.inbox("carol")[-2])
    assert chat.last("carol").asks == "amount"


async def test_in_english_the_card_asks_and_none_shows_the_catalog(chat: ChatDriver) -> None:
    card = did_you_mean(await chat.say("sam", "I can't sign in to the VPN"))
    assert card.title == 'Did you mean "Password reset" or "System access request"?'
    assert picks(card) == ["pick:it.password", "pick:it.access", "cat"]
    assert "number or name" in card.footer
    replies = await chat.say("sam", "none of these")
    catalog = replies[-1]
    assert isinstance(catalog, Card) and "cat:IT" in picks(catalog)
    replies = await chat.say("sam", "1")  # the question was closed: "1" is no longer a pick
    assert not any(m.asks for m in replies)
    assert await stored(chat) == []


async def test_a_new_sentence_instead_of_an_answer_is_matched_afresh(chat: ChatDriver) -> None:
    did_you_mean(await chat.say("sam", "I can't sign in to the VPN"))
    [intro, *_] = await chat.say("sam", "I lost my badge")
    assert "Badge request" in text_of(intro)


async def test_a_sentence_only_worth_asking_about_asks_about_one_service(
    chat: ChatDriver,
) -> None:
    card = did_you_mean(await chat.say("alice", "周五上午要个能坐十个人的房间"))
    assert card.title == "你是想办「会议室预订」吗？"
    assert picks(card) == ["pick:admin.meeting_room", "cat"]
    await chat.say("alice", "是的")
    assert chat.last("alice").asks == "room"


async def test_no_to_a_single_suggestion_shows_the_catalog(chat: ChatDriver) -> None:
    did_you_mean(await chat.say("alice", "要个房间"))
    replies = await chat.say("alice", "不用了")
    assert isinstance(replies[-1], Card) and "cat:Admin" in picks(replies[-1])
    await chat.say("alice", "1")  # the question is closed: "1" picks nothing now
    assert await stored(chat) == [] and chat.last("alice").asks is None

