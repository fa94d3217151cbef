"""The chat panel's page (``/console/chat``) and its socket (``/console/ws``).

The socket is opened by the page with the browser's console session: the person is the one
signed in (``current_person``), and the socket is handed to the ``web`` channel
(``adapters.web``) with their directory id. Refused before the upgrade: nobody signed in (401),
a page of another site (403: its ``Origin`` is neither this server nor ``[web] public_url``),
the channel not attached (503). Each frame first checks the session is still live, so a socket
of a person who signed out (or whose session expired) is closed (code 4401).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from adapters.web.channel import CHANNEL, WebChannel
from adapters.web.socket import serve
from bot.console.context import bot_of
from bot.console.nav import CHAT_ROUTE
from bot.console.pages import render
from bot.console.session import current_person, session_of, signed_in
from store import console

routes = web.RouteTableDef()
SOCKET_PATH = "/console/ws"


@routes.get("/chat", name=CHAT_ROUTE)
@signed_in
async def chat_page(request: web.Request) -> web.StreamResponse:
    return render(request, "chat.html", {"socket": SOCKET_PATH})


@routes.get("/ws", name="console.ws")
async def chat_socket(request: web.Request) -> web.StreamResponse:
    person = current_person(request)
    if person is None:
        raise web.HTTPUnauthorized(text="sign in to the console first (ask the bot for a link)")
    if not _same_origin(request):
        raise web.HTTPForbidden(text="this socket is only for the console's own pages")
    channel = bot_of(request).channels.get(CHANNEL)
    if not isinstance(channel, WebChannel):
        raise web.HTTPServiceUnavailable(text="the chat panel is not running; try again later")

    async def still_signed_in() -> bool:
        return await _live(request)

    return await serve(channel, request, person.id, still=still_signed_in)


def _same_origin(request: web.Request) -> bool:
    """A browser names the page that opens a socket; it must be one of the console's own."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser: the session cookie alone decides
    public = urlsplit(bot_of(request).settings.web.public_url)
    own = {f"{request.scheme}://{request.host}"}
    if public.scheme and public.netloc:
        own.add(f"{public.scheme}://{public.netloc}")
    return origin.rstrip("/") in own


async def _live(request: web.Request) -> bool:
    session = session_of(request)
    if session is None:
        return False
    bot = bot_of(request)
    async with bot.db.session() as db_session:
        row = await console.live_session(db_session, token_hash=session.token_hash,
                                         now=bot.services.clock())
    return row is not None
