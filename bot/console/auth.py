"""Signing in with a one-time link from chat, and signing out.

``GET /console/signin/{token}`` only looks at the link and shows a page whose form (sent at
once by ``static/signin.js``, or by the button) POSTs it back: chat apps that fetch a link to
preview it (Slack's unfurler) never use it up. The POST uses the link once and signs in; a
used, expired or unknown link gets a page saying to ask the bot for a new one, and nothing
about whose it was (410 used or expired, 403 unknown).
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from bot.console import nav
from bot.console.context import bot_of
from bot.console.pages import render
from bot.console.session import (
    current_person,
    require_csrf,
    sign_in,
    sign_out,
)
from store import console

routes = web.RouteTableDef()
PRE_COOKIE = "esmbot_signin"  # ties the sign-in form to the browser that opened the link
PRE_FIELD = "pre"  # the form's copy of that cookie
_REFUSAL_STATUS = {"unknown": 403, "used": 410, "expired": 410}


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


@routes.get("/signin", name="console.signin")
async def signin_page(request: web.Request) -> web.StreamResponse:
    return render(request, "signin.html", {"signed_out": "signed_out" in request.query})


@routes.get("/signin/{token}", name="console.signin_link")
async def link_page(request: web.Request) -> web.StreamResponse:
    bot = bot_of(request)
    async with bot.db.session() as db_session:
        link = await console.peek_link(db_session, now=bot.services.clock(),
                                       token_hash=console.hash_token(request.match_info["token"]))
    if link.refusal is not None:
        return render(request, "link_refused.html", status=_REFUSAL_STATUS[link.refusal])
    pre = secrets.token_urlsafe(16)
    response = render(request, "signin_link.html", {"pre": pre, "pre_field": PRE_FIELD})
    response.set_cookie(PRE_COOKIE, pre, path=request.path, httponly=True, samesite="Strict",
                        max_age=600)
    return response


@routes.post("/signin/{token}")
async def use_link(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(str(form.get(PRE_FIELD, "")), pre):
        raise web.HTTPForbidden(text="open the sign-in link again")
    bot = bot_of(request)
    async with bot.db.unit_of_work() as uow:
        used = await console.use_link(uow.session, token_hash=console.hash_token(
            request.match_info["token"]), now=bot.services.clock())
    person = bot.services.bundle.directory.persons.get(used.person_id or "")
    if used.refusal is not None or person is None:
        return render(request, "link_refused.html",
                      status=_REFUSAL_STATUS[used.refusal or "unknown"])
    response = see_other(nav.landing(request, person, bot.services))
    await sign_in(request, response, person.id, by="link")
    response.del_cookie(PRE_COOKIE, path=request.path)
    return response


@routes.post("/signout", name="console.signout")
async def signout(request: web.Request) -> web.StreamResponse:
    response = see_other("/console/signin?signed_out=1")
    if current_person(request) is None:  # a page left open past its session: nothing to end
        return response
    require_csrf(request, await request.post())
    await sign_out(request, response)
    return response
