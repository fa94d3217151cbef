"""Who is signed in to the console, and the CSRF token of their forms.

A session is a random token: the browser holds it in a cookie signed with ``[web]
session_secret`` (HttpOnly, SameSite=Lax, Secure when ``public_url`` is https, for
``session_hours``), the database holds its SHA-256 (``console_session``) with whose it is and
until when. Signing out ends the row, so a copied cookie is worth nothing afterwards.

The middleware ``sessions`` reads the cookie once per request; then:

- ``current_person(request)`` -> the signed-in ``Person`` (from the directory) or None;
- ``await sign_in(request, response, person_id, by="link")`` starts a session, replacing the
  browser's previous one; ``await sign_out(request, response)`` ends it;
- ``csrf_token(request)`` -> the token every form carries as the hidden field ``csrf`` (or a
  fetch() as the header ``X-CSRF-Token``); ``require_csrf(request, form)`` answers 403 unless
  it matches the session's;
- ``@signed_in`` on a handler: people not signed in are sent to the sign-in page (API paths
  under ``/console/api/`` get 401 JSON);
- ``page_locale(request)``: ``?lang=en|zh`` (kept in the session), else the person's locale.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.console.context import PREFIX, bot_of
from chat.locale import LOCALES
from org.model import Person
from store import console

COOKIE = "esmbot_session"
LANG_COOKIE = "esmbot_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SIGN_IN_PATH = f"{PREFIX}/signin"
STATIC_PREFIX = f"{PREFIX}/static/"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ConsoleSession:
    token_hash: str
    person_id: str
    locale: str | None


@dataclass(frozen=True)
class Visit:
    """What the middleware found for this request: the session (if any), the page's locale."""

    session: ConsoleSession | None
    locale: str


_VISIT = web.RequestKey("esmbot.console.visit", Visit)


def _secret(request: web.Request) -> bytes:
    return bot_of(request).settings.web.session_secret.get_secret_value().encode()


def _signature(secret: bytes, token: str) -> str:
    return hmac.new(secret, f"session:{token}".encode(), hashlib.sha256).hexdigest()


def _token_from_cookie(request: web.Request) -> str | None:
    token, _, signature = request.cookies.get(COOKIE, "").partition(".")
    if not token or not hmac.compare_digest(signature, _signature(_secret(request), token)):
        return None
    return token


def session_of(request: web.Request) -> ConsoleSession | None:
    visit = request.get(_VISIT)
    return visit.session if visit is not None else None


def current_person(request: web.Request) -> Person | None:
    """The signed-in person; None when nobody is, or they left the directory."""
    session = session_of(request)
    if session is None:
        return None
    return bot_of(request).services.bundle.directory.persons.get(session.person_id)


def person_of(request: web.Request) -> Person:
    """The signed-in person, in a handler behind ``@signed_in``."""
    person = current_person(request)
    if person is None:
        raise web.HTTPSeeOther(SIGN_IN_PATH)
    return person


def page_locale(request: web.Request) -> str:
    visit = request.get(_VISIT)
    return visit.locale if visit is not None else bot_of(request).settings.bot.default_locale


def _cookie_options(request: web.Request) -> dict[str, Any]:
    web_settings = bot_of(request).settings.web
    return {"path": PREFIX, "httponly": True, "samesite": "Lax",
            "secure": web_settings.public_url.startswith("https://")}


async def sign_in(request: web.Request, response: web.StreamResponse, person_id: str, *,
                  by: str = "link") -> None:
    """Start a session for ``person_id`` on ``response`` (ending the browser's previous one)."""
    bot = bot_of(request)
    now = bot.services.clock()
    hours = bot.settings.web.session_hours
    token = console.new_token()
    previous = session_of(request)
    chosen = request.query.get("lang") or request.cookies.get(LANG_COOKIE)
    async with bot.db.unit_of_work() as uow:
        if previous is not None:
            await console.end_session(uow.session, token_hash=previous.token_hash, now=now)
        await console.create_session(
            uow.session, token_hash=console.hash_token(token), person_id=person_id, now=now,
            expires_at=now + timedelta(hours=hours), signed_in_by=by,
            locale=chosen if chosen in LOCALES else None)
    response.set_cookie(COOKIE, f"{token}.{_signature(_secret(request), token)}",
                        max_age=int(hours * 3600), **_cookie_options(request))


async def sign_out(request: web.Request, response: web.StreamResponse) -> None:
    session = session_of(request)
    if session is not None:
        bot = bot_of(request)
        async with bot.db.unit_of_work() as uow:
            await console.end_session(uow.session, token_hash=session.token_hash,
                                      now=bot.services.clock())
    response.del_cookie(COOKIE, path=PREFIX)


def csrf_token(request: web.Request) -> str:
    """The session's CSRF token ("" when nobody is signed in: no form to protect)."""
    session = session_of(request)
    if session is None:
        return ""
    return hmac.new(_secret(request), f"csrf:{session.token_hash}".encode(),
                    hashlib.sha256).hexdigest()


def require_csrf(request: web.Request, form: Mapping[str, Any] | None = None) -> None:
    """403 unless the form (or the ``X-CSRF-Token`` header) carries this session's token."""
    expected = csrf_token(request)
    given = str((form or {}).get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    if not expected or not hmac.compare_digest(given, expected):
        raise web.HTTPForbidden(text="CSRF token missing or wrong: reload the page and retry")


def signed_in(handler: Handler) -> Handler:
    """Only for signed-in people: others go to the sign-in page, or get 401 on the API."""

    @functools.wraps(handler)
    async def only_signed_in(request: web.Request) -> web.StreamResponse:
        if current_person(request) is None:
            if request.path.startswith(f"{PREFIX}/api/"):
                raise web.HTTPUnauthorized(text='{"error": "not signed in"}',
                                           content_type="application/json")
            raise web.HTTPSeeOther(SIGN_IN_PATH)
        return await handler(request)

    return only_signed_in


async def _load(request: web.Request) -> ConsoleSession | None:
    token = _token_from_cookie(request)
    if token is None:
        return None
    bot = bot_of(request)
    async with bot.db.session() as db_session:
        row = await console.live_session(db_session, token_hash=console.hash_token(token),
                                         now=bot.services.clock())
    return ConsoleSession(row.token_hash, row.person_id, row.locale) if row else None


async def _choose_locale(request: web.Request, session: ConsoleSession | None) -> str:
    asked = request.query.get("lang")
    if asked in LOCALES:
        if session is not None and session.locale != asked:
            async with bot_of(request).db.unit_of_work() as uow:
                await console.set_locale(uow.session, token_hash=session.token_hash,
                                         locale=asked)
        return str(asked)
    if session is not None and session.locale in LOCALES:
        return str(session.locale)
    directory = bot_of(request).services.bundle.directory
    person = directory.persons.get(session.person_id) if session is not None else None
    if person is not None:
        return person.locale
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LOCALES else bot_of(request).settings.bot.default_locale


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the session cookie and choose the page's locale before the handler runs."""
    if request.path.startswith(STATIC_PREFIX):  # files are the same for everyone
        request[_VISIT] = Visit(None, bot_of(request).settings.bot.default_locale)
        return await handler(request)
    session = await _load(request)
    request[_VISIT] = Visit(session, await _choose_locale(request, session))
    response = await handler(request)
    asked = request.query.get("lang")
    if session is None and asked in LOCALES and not response.prepared:
        response.set_cookie(LANG_COOKIE, str(asked), path=PREFIX, httponly=True,
                            samesite="Lax", max_age=365 * 86400)
    return response
