"""Steps of the metrics journeys: file a password reset, and claim and finish its task."""

from __future__ import annotations

from bot.testing import ChatDriver
from tests.scenario.approval_steps import submit
from tests.scenario.helpers import fill_form


async def file_password(chat: ChatDriver, person: str) -> None:
    """it.password: no approval, one task (reset, it-desk, 2bh); response 1bh, resolution 2bh;
    no confirmation: finishing the task closes the request."""
    await chat.say(person, "忘记密码了")
    await fill_form(chat, person, "it.password")
    await submit(chat, person)


async def claim_and_finish(chat: ChatDriver, agent: str, *, later_minutes: float) -> None:
    """``agent`` claims the newest ready task they were shown, and finishes it later."""
    await chat.click(agent, "认领")
    chat.clock.advance(minutes=later_minutes)
    await chat.click(agent, "完成")
