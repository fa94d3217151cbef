"""Saying that a number picked nothing, and what to do instead."""

from __future__ import annotations

from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text

MAX_DIGITS = 3  # "1", "12": a choice's number; a longer number is something else


def bare_number(text: str) -> int | None:
    """``"1"``, ``" 2 "``, ``"１"`` (full width): a message that is only a short number."""
    stripped = text.strip()
    if not stripped.isdigit() or len(stripped) > MAX_DIGITS:
        return None
    return int(stripped)


async def nothing_to_pick(turn: Turn, number: int) -> None:
    await turn.reply(Text(say("cards.nothing_to_pick", turn.locale, number=number)))
