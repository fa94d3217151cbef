"""Digressions and the open form (issue 15): with a form open, commands are answered and the
form's question comes back; a new request asks which form to go on with; requests are found
by what people say; "同意" alone; someone's question waits across a form."""

from __future__ import annotations

from bot.state import ConversationState, FormState, PromptState, SwitchState, state_from_row
from bot.testing import ChatDriver
from chat.replies import Card, Message
from store import dialogs, requests
from tests.scenario.approval_steps import (
    file_expense,
    file_laptop,
    request_row,
    seat_states,
    submit,
)
from tests.scenario.helpers import fill_form, is_confirmation, text_of


async def state_of(chat: ChatDriver, person: str) -> ConversationState | None:
    async with chat.app.db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=chat.key(person).lock_id)
    return state_from_row(row.state) if row is not None else None


async def request_count(chat: ChatDriver) -> int:
    async with chat.app.db.unit_of_work() as uow:
        return len(await requests.list_requests(uow.session))


def words(messages: list[Message]) -> str:
    return "\n".join(text_of(m) for m in messages)


def cards(messages: list[Message]) -> list[Card]:
    return [m for m in messages if isinstance(m, Card)]


async def file_badge(chat: ChatDriver, person: str) -> None:
    await chat.say(person, "我要补办工牌")
    await fill_form(chat, person, "admin.badge")
    await submit(chat, person)


# --- with a form open, commands are answered and the form is kept ------------------------------


async def test_an_approver_with_a_form_open_is_answered_and_the_form_kept(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)  # REQ-1, waiting for bob
    await file_badge(chat, "bob")  # REQ-2, bob's own
    await chat.say("bob", "我要开在职证明")
    assert chat.last("bob").asks == "purpose"

    for text in ("我的申请", "REQ-1 到哪了", "status REQ-1", "待我审批", "我的任务", "help"):
        replies = await chat.say("bob", text)
        assert "请选择 1-3" not in words(replies), text  # not taken as an answer
        assert replies[-1].asks == "purpose", text
    assert "我的申请" in words(await chat.say("bob", "我的申请"))
    assert any("REQ-1" in c.title for c in cards(await chat.say("bob", "REQ-1 到哪了")))

    replies = await chat.say("bob", "同意 REQ-1 好的")
    assert (await seat_states(chat, 1))[(1, "bob")] == "approved"
    assert replies[-1].asks == "purpose"

    await chat.say("bob", "撤回 REQ-2")  # asks why first; the form waits under the question
    replies = await chat.say("bob", "找到了，不需要了")
    assert (await request_row(chat, 2)).status == "withdrawn"
    assert replies[-1].asks == "purpose"

    await fill_form(chat, "bob", "hr.certificate")
    await submit(chat, "bob")
    certificate = await request_row(chat, 3)
    assert certificate.service_id == "hr.certificate" and certificate.requester == "bob"


async def test_a_command_is_not_stored_as_a_free_text_answer(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算800")
    while chat.last("alice").asks != "reason":
        await chat.say("alice", "1")
    replies = await chat.say("alice", "我的申请")
    assert "原因" not in words(replies[:-1])
    assert replies[-1].asks == "reason"
    await chat.say("alice", "旧电脑坏了需要更换")
    await submit(chat, "alice")
    assert (await request_row(chat)).answers["reason"] == "旧电脑坏了需要更换"


async def test_in_english_commands_with_a_form_open_keep_the_form(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("sam", "I need an employment certificate")
    assert chat.last("sam").asks == "purpose"
    for text in ("my requests", "status REQ-1", "approve REQ-1 ok", "my approvals", "my tasks",
                 "withdraw REQ-1", "help"):
        replies = await chat.say("sam", text)
        assert replies[-1].asks == "purpose", text
    assert isinstance(await state_of(chat, "sam"), FormState)


async def test_an_answer_shaped_like_the_question_still_goes_to_the_form(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要开在职证明")
    await chat.say("alice", "办理签证")
    assert chat.last("alice").asks == "copies"
    await chat.say("alice", "2")
    assert chat.last("alice").asks == "language"


# --- a new request while a form or its confirmation is open --------------------------------


async def test_a_new_request_at_an_unsubmitted_confirmation_asks_which_to_go_on_with(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要开在职证明")
    await fill_form(chat, "alice", "hr.certificate")
    assert is_confirmation(chat.last("alice"))

    [question] = await chat.say("alice", "我的工牌丢了")
    assert isinstance(question, Card)
    assert question.title == "继续「在职证明」，还是开始「工牌办理」？"
    assert [b.label for b in question.buttons] == ["继续「在职证明」", "开始「工牌办理」"]
    assert isinstance(await state_of(chat, "alice"), SwitchState)

    replies = await chat.say("alice", "提交")  # must not file the certificate
    assert await request_count(chat) == 0
    assert cards(replies)[-1].title == question.title

    await chat.click("alice", "开始「工牌办理」")
    # the sentence the switch kept already said why: "丢了" is the reason (Chinese prefill)
    assert is_confirmation(chat.last("alice"))
    assert ("原因", "丢失") in [(f.label, f.value) for f in chat.last("alice").fields]
    await submit(chat, "alice")
    assert (await request_row(chat)).service_id == "admin.badge"
    assert await request_count(chat) == 1


async def test_in_english_continue_goes_back_to_the_open_confirmation(chat: ChatDriver) -> None:
    await chat.say("sam", "I need an employment certificate")
    await fill_form(chat, "sam", "hr.certificate")
    [question] = await chat.say("sam", "I lost my badge")
    assert isinstance(question, Card)
    assert question.title == 'Continue "Employment certificate", or start "Badge request"?'
    replies = await chat.say("sam", "continue")
    assert is_confirmation(replies[-1])
    await submit(chat, "sam")
    assert (await request_row(chat)).service_id == "hr.certificate"


async def test_a_typed_start_in_the_middle_of_a_form_opens_the_new_one(chat: ChatDriver) -> None:
    await chat.say("alice", "我要开在职证明")
    await chat.say("alice", "我的工牌丢了")
    replies = await chat.say("alice", "开始")
    assert "「在职证明」没有提交" in words(replies)
    state = await state_of(chat, "alice")
    assert isinstance(state, FormState) and state.dialog.service_id == "admin.badge"


# --- requests found by description ---------------------------------------------------------


async def test_requests_are_found_by_what_people_say(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)  # REQ-1
    await file_expense(chat, "alice", 300)  # REQ-2
    for text, rid in (("我的电脑申请到哪了", "REQ-1"), ("报销的钱什么时候到", "REQ-2"),
                      ("查一下 REQ-1", "REQ-1"), ("REQ-1 进度如何", "REQ-1")):
        [status, *_] = await chat.say("alice", text)
        assert isinstance(status, Card) and status.title.startswith(rid), text
        assert not isinstance(await state_of(chat, "alice"), FormState), text

    await file_laptop(chat, "sam", 900)  # REQ-3
    [status, *_] = await chat.say("sam", "what's the status of my laptop request")
    assert isinstance(status, Card) and status.title.startswith("REQ-3")


async def test_several_matching_requests_are_a_choice(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await file_laptop(chat, "alice", 900)
    [choice] = await chat.say("alice", "我的电脑申请到哪了")
    assert isinstance(choice, Card) and "找到 2 个" in choice.title
    assert [b.label for b in choice.buttons] == ["REQ-2", "REQ-1"]
    [status, *_] = await chat.click("alice", "REQ-1")
    assert isinstance(status, Card) and status.title.startswith("REQ-1")


async def test_a_description_that_fits_none_lists_the_persons_requests(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    replies = await chat.say("alice", "我的会议室预订到哪了")
    assert "没找到" in words(replies)
    assert "我的申请" in cards(replies)[0].title
    assert await state_of(chat, "alice") is None or not isinstance(
        await state_of(chat, "alice"), FormState)


# --- "同意" alone -------------------------------------------------------------------------


async def test_approve_alone_decides_the_only_one_after_a_confirmation(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    replies = await chat.say("bob", "同意")
    assert "要同意 REQ-1" in words(replies)
    assert any(c.title.startswith("审批") for c in cards(replies))  # the card to tap, too
    assert (await seat_states(chat, 1))[(1, "bob")] == "pending"
    await chat.say("bob", "是")
    assert (await seat_states(chat, 1))[(1, "bob")] == "approved"


async def test_approve_alone_answered_no_leaves_it_waiting(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("bob", "同意")
    assert "仍在等你审批" in words(await chat.say("bob", "不"))
    assert (await seat_states(chat, 1))[(1, "bob")] == "pending"


async def test_approve_alone_with_several_waiting_lists_them(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await file_laptop(chat, "sam", 900)
    replies = await chat.say_new("bob", "同意")  # the older copies of the cards are retired
    assert "有 2 个申请等你审批" in words(replies)
    assert len([c for c in cards(replies) if c.title.startswith("审批")]) == 2
    assert set((await seat_states(chat, 1)).values()) == {"pending"}
    assert set((await seat_states(chat, 2)).values()) == {"pending"}


async def test_in_english_approve_alone_then_yes(chat: ChatDriver) -> None:
    await file_laptop(chat, "carol", 800)  # carol's manager is erin, who reads English
    assert "Approve REQ-1" in words(await chat.say("erin", "approve"))
    await chat.say("erin", "yes")
    assert (await seat_states(chat, 1))[(1, "erin")] == "approved"


# --- someone's question waits across a form ------------------------------------------------


async def test_the_answer_to_an_agents_question_survives_a_form_opened_and_cancelled(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "忘记密码了")
    await fill_form(chat, "alice", "it.password")
    await submit(chat, "alice")
    await chat.say("carol", "认领 TASK-1")
    await chat.say("carol", "问 TASK-1 是哪个系统的密码？")

    before = len(chat.inbox("carol"))
    replies = await chat.say("alice", "我要开在职证明")  # a new request, not the answer
    assert replies[-1].asks == "purpose"
    assert len(chat.inbox("carol")) == before  # nothing relayed to the agent
    assert "TASK-1 的问题还在等你回复" in words(await chat.say("alice", "取消"))
    assert isinstance(await state_of(chat, "alice"), PromptState)

    assert "已把你的回复转给 陈静" in words(await chat.say("alice", "是邮箱的密码"))
    assert any("是邮箱的密码" in text_of(m) for m in chat.inbox("carol")[before:])


async def test_a_free_text_answer_naming_another_service_is_still_an_answer(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要报销差旅费8000元")
    while chat.last("alice").asks != "description":
        await chat.say("alice", "2026-11-20")
    await chat.say("alice", "北京出差")  # names the travel service, but answers the question
    await submit(chat, "alice")
    expense = await request_row(chat)
    assert expense.service_id == "fin.expense" and expense.answers["description"] == "北京出差"


async def test_tapping_the_open_forms_own_submit_button_files_that_form(chat: ChatDriver) -> None:
    await chat.say("alice", "我要开在职证明")
    await fill_form(chat, "alice", "hr.certificate")
    confirmation = chat.last("alice")
    await chat.say("alice", "我的工牌丢了")
    assert isinstance(confirmation, Card)
    await chat.click_action("alice", next(b.action_id for b in confirmation.buttons
                                          if b.action_id.endswith(":submit")))
    assert (await request_row(chat)).service_id == "hr.certificate"


async def test_a_question_asked_during_the_switch_question_keeps_the_form(
    chat: ChatDriver,
) -> None:
    await file_badge(chat, "alice")  # REQ-1
    await chat.say("alice", "我要开在职证明")
    await chat.say("alice", "我的工牌丢了")
    await chat.say("alice", "撤回 REQ-1")  # asks why
    replies = await chat.say("alice", "找到了")
    assert (await request_row(chat)).status == "withdrawn"
    assert replies[-1].asks == "purpose"  # the certificate form goes on


async def test_a_reason_with_a_status_word_is_still_the_reason(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算800")
    while chat.last("alice").asks != "reason":
        await chat.say("alice", "1")
    await chat.say("alice", "项目进度紧张需要高性能电脑")
    await submit(chat, "alice")
    assert (await request_row(chat)).answers["reason"] == "项目进度紧张需要高性能电脑"
