"""The aiohttp application behind ``esmbot serve``, and the platforms attached to it."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy import text

from adapters.kit.errors import SetupError
from adapters.registry import ADAPTERS
from bot.app import BotApp
from bot.observability import metrics_handler
from bot.settings import SettingsError
from store.migrate import current, head

APP_KEY = web.AppKey("esmbot", BotApp)
log = logging.getLogger("esmbot.web")


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


async def readyz(request: web.Request) -> web.Response:
    """Ready for traffic: the database answers and is at this code's schema, and every enabled
    platform has its channel. 503 with what is not ready (never a host, port or error text)."""
    bot = request.app[APP_KEY]
    checks = {"database": await _database_state(bot)}
    for adapter in ADAPTERS:
        if getattr(bot.settings, adapter.settings_key).enabled:
            checks[adapter.name] = "ok" if adapter.name in bot.channels else "not attached"
    ready = all(state == "ok" for state in checks.values())
    return web.json_response({"status": "ready" if ready else "not ready", "checks": checks,
                              "services": len(bot.bundle.catalog.services),
                              "reload_generation": bot.loaded_generation},
                             status=200 if ready else 503)


async def _database_state(bot: BotApp) -> str:
    try:
        revision = await current(bot.db.engine)
    except Exception:
        log.warning("readiness: the database did not answer", exc_info=True)
        return "unreachable"
    return "ok" if revision == head() else f"schema {revision or 'empty'}, needs {head()}"


def make_web_app(bot: BotApp) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[APP_KEY] = bot
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    metrics = bot.settings.metrics
    if metrics.enabled:
        app.router.add_get("/metrics", metrics_handler(
            bot.db, bot.services.clock, username=metrics.username,
            password=metrics.password.get_secret_value()))
    return app


async def attach_channels(bot: BotApp, web_app: web.Application) -> None:
    """Start the enabled platforms; HTTP ones mount their routes on ``web_app``."""
    for adapter in ADAPTERS:
        section = getattr(bot.settings, adapter.settings_key)
        if not section.enabled:
            continue
        try:
            await adapter.attach(bot, web_app, section)
        except SetupError as exc:
            raise SettingsError(str(exc)) from None
