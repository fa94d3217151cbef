"""The aiohttp application behind ``esmbot serve``. Platform routes arrive with their issues."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from bot.app import BotApp

APP_KEY = web.AppKey("esmbot", BotApp)


async def healthz(request: web.Request) -> web.Response:
    bot = request.app[APP_KEY]
    try:
        async with bot.db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the load balancer should take us out, and say why
        return web.json_response({"status": "error", "store": str(exc)[:200]}, status=503)
    return web.json_response({
        "status": "ok",
        "services": len(bot.bundle.catalog.services),
        "channels": sorted(bot.channels),
    })


def make_web_app(bot: BotApp) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[APP_KEY] = bot
    app.router.add_get("/healthz", healthz)
    return app
