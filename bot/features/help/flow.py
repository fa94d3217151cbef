"""Help: what esmbot can do, with the catalog a tap away."""

from __future__ import annotations

from bot.features.help.commands import ShowHelp
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Button, Card


async def show_help(turn: Turn, command: ShowHelp | None = None) -> None:
    loc = turn.locale
    buttons = (
        Button("服务目录" if loc != "en" else "Catalog", "cat"),
        Button("我的申请" if loc != "en" else "My requests", "mine"),
    )
    await turn.reply(Card(title=say("help.title", loc), body=say("help.body", loc),
                          buttons=buttons))
