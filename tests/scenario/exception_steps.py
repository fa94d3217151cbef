"""Steps shared by the exception journeys: ask for one, answer the bot's questions, grant it,
and read the exceptions' part of the trail."""

from __future__ import annotations

from bot.testing import ChatDriver
from store import exceptions as grants
from store.models import ExceptionGrantRow
from tests.scenario.approval_steps import trail
from tests.scenario.helpers import text_of


async def say(chat: ChatDriver, person: str, text: str) -> str:
    return "\n".join(text_of(m) for m in await chat.say(person, text))


async def click(chat: ChatDriver, person: str, label: str, text: str = "") -> str:
    action = chat.button(person, label).action_id
    return "\n".join(text_of(m) for m in await chat.click_action(person, action, text=text))


async def ask_exception(chat: ChatDriver, person: str, command: str, *, reason: str,
                        impact: str, validity: str, justification: str,
                        reason_text: str = "") -> str:
    """``person`` types ``command`` ("加急 REQ-1") and answers every question; returns what
    the bot said last."""
    await say(chat, person, command)
    said = await click(chat, person, reason)
    if reason_text:
        said = await say(chat, person, reason_text)
    said = await click(chat, person, impact)
    said = await say(chat, person, validity)
    if "?" in said or "？" in said or "Last" in said or "最后" in said:
        said = await say(chat, person, justification)
    return said


async def exception_trail(chat: ChatDriver, rid: str = "REQ-1"
                          ) -> list[tuple[str, str, str | None]]:
    """(action, actor, on whose behalf) of the exception events of the request, in order."""
    return [(e.action, e.actor, e.on_behalf_of) for e in await trail(chat, rid)
            if e.action.startswith("exception.")]


async def exception_row(chat: ChatDriver, number: int = 1) -> ExceptionGrantRow:
    async with chat.app.db.unit_of_work() as uow:
        row = await grants.get(uow.session, exception_id=number)
    assert row is not None
    return row
