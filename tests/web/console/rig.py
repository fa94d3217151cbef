"""The console served by the real app on a loopback port, with a chat driver beside it on the
same store and fake clock: people file requests in chat and look at them in the browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import ModuleType
from typing import Any

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import ROUTE_MODULES, console_app
from bot.testing import ChatDriver
from bot.web import make_web_app, runner_options
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle
from org.model import Role
from store import console

SECRET = "a-test-secret-that-is-long-enough"
# http: the test client keeps a Secure cookie off plain http (tests/web/console/test_signin.py
# checks the https flags).
WEB = {"enabled": True, "public_url": "http://esm.example.com", "session_secret": SECRET}
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')
_PRE = re.compile(r'name="pre" value="([^"]*)"')


@dataclass
class Browser:
    """One person's browser: its own cookie jar, on the console's server."""

    http: TestClient[Any, Any]
    chat: ChatDriver
    last_html: str = field(default="")

    async def get(self, path: str, **kw: Any) -> ClientResponse:
        response = await self.http.get(path, allow_redirects=False, **kw)
        self.last_html = await response.text()
        return response

    async def post(self, path: str, data: dict[str, str] | None = None) -> ClientResponse:
        response = await self.http.post(path, data=data or {}, allow_redirects=False)
        self.last_html = await response.text()
        return response

    def csrf(self) -> str:
        found = _CSRF.search(self.last_html)
        assert found, "the last page has no form with a CSRF token"
        return found.group(1)

    async def open_link(self, token: str) -> ClientResponse:
        """What a person's browser does with a sign-in link: open it, the page posts it."""
        page = await self.get(f"/console/signin/{token}")
        if page.status != 200:
            return page
        found = _PRE.search(self.last_html)
        assert found, "the sign-in page has no form"
        return await self.post(f"/console/signin/{token}", {"pre": found.group(1)})

    async def sign_in_as(self, person: str) -> None:
        answer = await self.open_link(await issue_link(self.chat, person))
        assert answer.status == 303, self.last_html


def with_admin(person: str) -> Bundle:
    """The demo organisation with ``person`` in the reserved role esm-admin."""
    bundle = load_bundle(*demo_paths())
    roles = {**bundle.directory.roles, "esm-admin": Role("esm-admin", (person,))}
    return replace(bundle, directory=replace(bundle.directory, roles=roles))


async def issue_link(chat: ChatDriver, person: str, *, minutes: float = 10) -> str:
    async with chat.app.db.unit_of_work() as uow:
        return await console.issue_link(uow.session, person_id=person, now=chat.clock(),
                                        valid=timedelta(minutes=minutes))


@asynccontextmanager
async def console_rig(store_url: str, *, bundle: Bundle | None = None,
                      modules: tuple[ModuleType, ...] = (),
                      **sections: Any) -> AsyncIterator[ConsoleRig]:
    """``modules``: route modules served besides the console's own (a stand-in dashboard)."""
    chat = await ChatDriver.open(store_url, bundle=bundle,
                                 web={**WEB, **sections.pop("web", {})}, **sections)
    web_app = make_web_app(chat.app)
    if modules:
        web_app = web.Application()
        web_app.add_subapp("/console", console_app(chat.app, (*ROUTE_MODULES, *modules)))
    server = TestServer(web_app, host="127.0.0.1", port=0)
    await server.start_server(**(runner_options(web_app) if not modules else {}))
    rig = ConsoleRig(chat, server)
    try:
        yield rig
    finally:
        await rig.close()
        await server.close()
        await chat.close()


class ConsoleRig:
    def __init__(self, chat: ChatDriver, server: TestServer) -> None:
        self.chat = chat
        self.server = server
        self._browsers: list[TestClient[Any, Any]] = []

    async def browser(self) -> Browser:
        http: TestClient[Any, Any] = TestClient(self.server)
        await http.start_server()
        self._browsers.append(http)
        return Browser(http, self.chat)

    async def close(self) -> None:
        for http in self._browsers:
            await http.close()
