"""``/console/sso/{platform}/start`` and ``/callback``: single sign-on with WeCom, DingTalk or
Slack.

``start`` keeps a new single-use ``state`` (``store.sso_states``: its hash, ten minutes,
bound to this browser by the short cookie ``esmbot_sso``) and sends the browser to the
platform. ``callback`` spends the state (unknown, used, expired or from another browser:
refused), asks the platform whose ``code`` it is, finds the directory person with that
platform id (none: refused, nobody is created) and signs them in with
``bot.console.session.sign_in``. Every refusal is a page that says what to do next, and a log
line with the platform's error code (never a token).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from bot.console import nav
from bot.console.context import BOT_KEY, PREFIX, bot_of
from bot.console.pages import render
from bot.console.session import page_locale, sign_in
from bot.console.sso import registry
from bot.console.sso.providers import Attempt, Provider, SsoRefused
from bot.settings import Settings
from chat.i18n import say
from store import sso_states
from store.sso_states import SsoState

log = logging.getLogger("esmbot.console.sso")
routes = web.RouteTableDef()
BROWSER_COOKIE = "esmbot_sso"
COOKIE_PATH = f"{PREFIX}/sso/"
STATE_TTL = timedelta(minutes=10)
FORGET_AFTER = timedelta(days=1)  # spent and expired states are deleted this long after
# The page each refusal shows, and its HTTP status.
REFUSALS = {
    "state_unknown": ("web.sso.state_unknown", 403),
    "state_used": ("web.sso.state_used", 410),
    "state_expired": ("web.sso.state_expired", 410),
    "other_browser": ("web.sso.other_browser", 403),
    "cancelled": ("web.sso.cancelled", 403),
    "platform": ("web.sso.platform", 403),
    "unreachable": ("web.sso.unreachable", 502),
    "not_member": ("web.sso.not_member", 403),
    "other_workspace": ("web.sso.other_workspace", 403),
    "unknown_person": ("web.sso.unknown_person", 403),
}


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@routes.get("/sso/{platform}/start", name="console.sso_start")
async def start(request: web.Request) -> web.StreamResponse:
    platform, chosen = _provider_of(request)
    bot = bot_of(request)
    now = bot.services.clock()
    browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(32)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(16)
    kept = SsoState(platform=platform, browser_hash=digest(browser), nonce=nonce,
                    next_path=_safe_next(request.query.get("next", "")),
                    expires_at=now + STATE_TTL)
    async with bot.db.unit_of_work() as uow:
        await sso_states.prune(uow.session, before=now - FORGET_AFTER)
        await sso_states.add(uow.session, digest(state), kept, now=now)
    response = web.Response(status=302, headers={"Location": chosen.authorize_url(
        redirect_uri=callback_url(request, platform), state=state, nonce=nonce)})
    response.set_cookie(BROWSER_COOKIE, browser, path=COOKIE_PATH, httponly=True,
                        samesite="Lax", max_age=int(STATE_TTL.total_seconds()),
                        secure=_https(request))
    return response


@routes.get("/sso/{platform}/callback", name="console.sso_callback")
async def callback(request: web.Request) -> web.StreamResponse:
    platform, chosen = _provider_of(request)
    bot = bot_of(request)
    now = bot.services.clock()
    state = request.query.get("state", "")
    async with bot.db.unit_of_work() as uow:
        spent = await sso_states.spend(uow.session, digest(state), now=now)
        used = spent is None and await sso_states.was_spent(uow.session, digest(state))
    refusal = "state_used" if used else _state_refusal(request, platform, spent, now)
    if refusal is not None:
        return refused(request, platform, refusal)
    assert spent is not None
    code = request.query.get("code") or request.query.get("authCode") or ""
    if not code:  # the person said no on the platform's page
        return refused(request, platform, "cancelled",
                       detail=request.query.get("error", "no code"))
    try:
        async with aiohttp.ClientSession() as http:
            user = await chosen.user_id(http, Attempt(code=code, nonce=spent.nonce, now=now,
                                                      redirect_uri=callback_url(request,
                                                                                platform)))
    except SsoRefused as exc:
        return refused(request, platform, exc.reason, detail=exc.detail)
    return await _signed_in(request, platform, user, spent.next_path)


async def _signed_in(request: web.Request, platform: str, user: str, next_path: str
                     ) -> web.StreamResponse:
    bot = bot_of(request)
    person = bot.services.bundle.directory.find_by_identity(platform, user)
    if person is None:
        return refused(request, platform, "unknown_person",
                       detail=f"{platform} id {user!r} is not in the directory")
    response = web.Response(status=303, headers={
        "Location": next_path or nav.landing(request, person, bot.services)})
    await sign_in(request, response, person.id, by=platform)
    response.del_cookie(BROWSER_COOKIE, path=COOKIE_PATH)
    log.info("console: %s signed in with %s", person.id, platform)
    return response


def refused(request: web.Request, platform: str, reason: str, *, detail: str = ""
            ) -> web.Response:
    key, status = REFUSALS.get(reason, REFUSALS["platform"])
    log.warning("console: %s sign-in refused (%s)%s", platform, reason,
                f": {detail}" if detail else "")
    locale = page_locale(request)
    name = say(registry.NAME_KEYS[platform], locale)
    return render(request, "sso_refused.html", {
        "refusal": reason, "title": say("web.sso.refused_title", locale),
        "message": say(key, locale, platform=name), "again": f"{PREFIX}/signin",
        "again_label": say("web.sso.again", locale)}, status=status)


def callback_url(request: web.Request, platform: str) -> str:
    """The redirect URI registered at the platform: ``[web] public_url``, else this host."""
    base = bot_of(request).settings.web.public_url.rstrip("/") or str(request.url.origin())
    return f"{base}{PREFIX}/sso/{platform}/callback"


def _provider_of(request: web.Request) -> tuple[str, Provider]:
    platform = request.match_info["platform"]
    chosen = registry.provider(bot_of(request).settings, platform)
    if chosen is None:
        raise web.HTTPNotFound(text="this sign-in is not set up here; use a link from the bot")
    return platform, chosen


def _state_refusal(request: web.Request, platform: str, spent: SsoState | None,
                   now: datetime) -> str | None:
    if spent is None or spent.platform != platform:  # never started here (forged)
        return "state_unknown"
    if now >= spent.expires_at:
        return "state_expired"
    browser = request.cookies.get(BROWSER_COOKIE, "")
    if not browser or not hmac.compare_digest(digest(browser), spent.browser_hash):
        return "other_browser"
    return None


def _safe_next(path: str) -> str:
    """Only a path inside the console (never another site, ``//host``)."""
    if path.startswith(f"{PREFIX}/") and not path.startswith("//") and "\\" not in path:
        return path
    return ""


def _https(request: web.Request) -> bool:
    return bot_of(request).settings.web.public_url.startswith("https://")


@dataclass(frozen=True)
class SignInButton:
    platform: str
    href: str
    label_key: str


def buttons(settings: Settings) -> list[SignInButton]:
    """The sign-in page's buttons: one per platform set up for single sign-on."""
    return [SignInButton(name, f"{PREFIX}/sso/{name}/start", registry.BUTTON_KEYS[name])
            for name in registry.enabled_platforms(settings)]


def setup(app: web.Application) -> None:
    """Templates get ``sso_buttons()``: this server's sign-in buttons."""
    settings = app[BOT_KEY].settings
    aiohttp_jinja2.get_env(app).globals["sso_buttons"] = lambda: buttons(settings)
