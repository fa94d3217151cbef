"""The console sub-application, mounted by ``bot/web.py`` under ``/console`` when ``[web]
enabled``.

Adding pages: write a module with a module-level ``routes = web.RouteTableDef()`` whose paths
are relative to ``/console`` (``@routes.get("/dashboard/{kind}", name="console.dashboard")``),
optionally a ``def setup(app: web.Application) -> None`` (start-up/shutdown hooks, app keys),
and add the module to ``ROUTE_MODULES`` below, one line each. Handlers reach the bot with
``bot.console.context.bot_of(request)``, the person with ``bot.console.session``
(``@signed_in``, ``person_of``), render with ``bot.console.pages.render``. Named routes
``console.dashboard`` (with ``{kind}``) and ``console.chat`` appear in the navigation once
registered (``bot/console/nav.py``).
"""

from __future__ import annotations

from types import ModuleType

from aiohttp import web

from bot.app import BotApp
from bot.console import auth, catalog, chat, dashboards, requests
from bot.console.context import BOT_KEY
from bot.console.pages import STATIC, STATIC_ROUTE, setup_templates
from bot.console.security import security_headers
from bot.console.session import sessions
from bot.console.sso import routes as sso
from bot.settings import SettingsError, WebSettings

# Every module whose ``routes`` the console serves; one line each, to merge without conflicts.
ROUTE_MODULES: tuple[ModuleType, ...] = (
    auth,
    requests,
    catalog,
    chat,
    dashboards,
    sso,
)


def check_settings(web_settings: WebSettings) -> None:
    """Refuse to serve the console without a session secret, or with a public_url that a
    browser cannot open."""
    problems = []
    if len(web_settings.session_secret.get_secret_value()) < 16:
        problems.append("web.session_secret: the console needs a long random secret (at "
                        "least 16 characters) to sign session cookies; set "
                        "ESMBOT_WEB__SESSION_SECRET, e.g. to the output of "
                        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
    url = web_settings.public_url
    if url and not url.startswith(("http://", "https://")):
        problems.append(f"web.public_url: {url!r} is not an http(s) address; use e.g. "
                        "https://esm.example.com (or leave it empty: no links in chat)")
    if problems:
        raise SettingsError("\n".join(problems))


def console_app(bot: BotApp, modules: tuple[ModuleType, ...] = ROUTE_MODULES) -> web.Application:
    check_settings(bot.settings.web)
    app = web.Application(middlewares=[security_headers, sessions])
    app[BOT_KEY] = bot
    setup_templates(app)
    for module in modules:
        app.router.add_routes(module.routes)
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(app)
    app.router.add_static("/static", STATIC, name=STATIC_ROUTE, append_version=True)
    return app


def mount_console(bot: BotApp, web_app: web.Application) -> None:
    """``/console/...`` on ``web_app`` when ``[web] enabled`` (``/console`` redirects there)."""
    if not bot.settings.web.enabled:
        return
    web_app.add_subapp("/console", console_app(bot))

    async def to_home(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/console/")

    web_app.router.add_get("/console", to_home)
