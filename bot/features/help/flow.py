"""Help: what esmbot can do, with the catalog a tap away."""

from __future__ import annotations

from bot.action_ids import CatalogClick, MyRequestsClick
from bot.features.help.commands import ShowHelp
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Button, Card


async def show_help(turn: Turn, command: ShowHelp | None = None) -> None:
    loc = turn.locale
    buttons = (
        Button(say("help.catalog_button", loc), CatalogClick().format()),
        Button(say("help.mine_button", loc), MyRequestsClick().format()),
    )
    await turn.reply(Card(title=say("help.title", loc), body=say("help.body", loc),
                          buttons=buttons))
