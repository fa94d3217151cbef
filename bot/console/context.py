"""What every console module reaches through the request: the running bot."""

from __future__ import annotations

from aiohttp import web

from bot.app import BotApp

BOT_KEY = web.AppKey("esmbot.console.bot", BotApp)
PREFIX = "/console"


def bot_of(request: web.Request) -> BotApp:
    return request.config_dict[BOT_KEY]
