"""A person comes back to an open form (esmbot restarted meanwhile): an answer is taken and the
form goes on; a hello is no answer, the open question is asked again, saying which form it is."""

from __future__ import annotations

from bot.state import FormState
from bot.testing import ChatDriver
from store import dialogs
from tests.scenario.helpers import text_of

LAPTOP = "我要申请一台笔记本，预算8000"
STILL_OPEN = "你的「笔记本电脑申请」还没填完"


async def restarted(chat: ChatDriver, sqlite_url: str) -> ChatDriver:
    """A new app on the same SQLite file, the clock where it was."""
    await chat.close()
    return await ChatDriver.open(sqlite_url, clock=chat.clock)


async def answers_so_far(chat: ChatDriver, person: str) -> dict[str, object]:
    """The answers of ``person``'s open form, as stored."""
    async with chat.app.db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=chat.key(person).lock_id)
    assert row is not None and row.state["service_id"] == "it.laptop"
    return dict(row.state["answers"])


async def test_after_a_restart_a_hello_asks_the_open_question_again(sqlite_url: str) -> None:
    chat = await ChatDriver.open(sqlite_url)
    await chat.say("alice", LAPTOP)
    assert chat.last("alice").asks == "model"
    chat = await restarted(chat, sqlite_url)
    try:
        reminder, question = await chat.say("alice", "你好")
        assert STILL_OPEN in text_of(reminder) and question.asks == "model"
        await chat.say("alice", "1")  # now an answer: the first model
        assert chat.last("alice").asks == "reason"
        [answer, *_] = await chat.say("alice", "hello")  # a hello is no reason either
        assert STILL_OPEN in text_of(answer) and chat.last("alice").asks == "reason"
        await chat.say("alice", "旧电脑坏了需要更换")
        assert (await answers_so_far(chat, "alice"))["reason"] == "旧电脑坏了需要更换"
    finally:
        await chat.close()


async def test_after_a_restart_an_answer_is_taken_at_once(sqlite_url: str) -> None:
    chat = await ChatDriver.open(sqlite_url)
    await chat.say("alice", LAPTOP)
    chat = await restarted(chat, sqlite_url)
    try:
        await chat.say("alice", "高性能本")
        assert chat.last("alice").asks == "gpu"  # the next question of the high-end model
        assert (await answers_so_far(chat, "alice"))["model"] == "pro"
        assert not any(STILL_OPEN in text_of(m) for m in chat.inbox("alice"))
    finally:
        await chat.close()


async def test_the_terminal_resume_shows_the_question_only_where_a_form_is_open(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", LAPTOP)
    assert await chat.app.resume(chat.key("alice")) is True
    await chat.app.dispatcher.drain()
    assert STILL_OPEN in text_of(chat.inbox("alice")[-2]) and chat.last("alice").asks == "model"
    before = len(chat.channel.deliveries)
    assert await chat.app.resume(chat.key("bob")) is False  # nothing open: nothing said
    await chat.app.dispatcher.drain()
    assert len(chat.channel.deliveries) == before
    async with chat.app.db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=chat.key("alice").lock_id)
    assert row is not None and isinstance(FormState.from_row(row.state), FormState)
