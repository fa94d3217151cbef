"""Saying that a number picked nothing, and what to do instead."""

from __future__ import annotations

from bot.features.choices.commands import BareNumber
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text


async def nothing_to_pick(turn: Turn, command: BareNumber) -> None:
    await turn.reply(Text(say("cards.nothing_to_pick", turn.locale, number=command.number)))
