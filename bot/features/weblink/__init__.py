"""Web sign-in links: "看板", "dashboard", "登录网页", "web login", "open the console" reply
with a one-time link to the web console (``bot/console``), valid 10 minutes, for this person."""

from __future__ import annotations

from bot.features.registry import Feature
from bot.features.weblink.commands import OpenConsole, parse_open_console
from bot.features.weblink.flow import send_link

FEATURE = Feature(name="weblink", parsers=(parse_open_console,),
                  commands={OpenConsole: send_link})
