"""A one-time sign-in link to the web console, in the conversation that asked for it."""

from __future__ import annotations

from bot.features.weblink.commands import OpenConsole
from bot.turn import Turn
from bot.weblinks import console_url
from chat.i18n import say
from chat.replies import Text
from store import console

LINK_MINUTES = 10


async def send_link(turn: Turn, command: OpenConsole | None = None) -> None:
    web = turn.services.settings.web
    if not web.enabled or not web.public_url:
        await turn.reply(Text(say("weblink.not_enabled", turn.locale)))
        return
    token = await console.issue_link(turn.session, person_id=turn.person.id, now=turn.now)
    await turn.reply(Text(say("weblink.link", turn.locale, minutes=LINK_MINUTES,
                              url=console_url(web.public_url, f"signin/{token}"))))
