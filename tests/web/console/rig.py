"""The console served by the real app on a loopback port, with a chat driver beside it on the
same store and fake clock: people file requests in chat and look at them in the browser."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.console.session import token_hash
from bot.testing import ChatDriver
from bot.web import make_web_app, runner_options
from store import console

SECRET = "a-test-secret-that-is-long-enough"
WEB = {"enabled": True, "public_url": "https://esm.example.com", "session_secret": SECRET}
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


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
        return await self.post(f"/console/signin/{token}", {"csrf": self.csrf()})

    async def sign_in_as(self, person: str) -> None:
        answer = await self.open_link(await issue_link(self.chat, person))
        assert answer.status == 303, self.last_html


async def issue_link(chat: ChatDriver, person: str, *, minutes: float = 10) -> str:
    token = secrets.token_urlsafe(32)
    now = chat.clock()
    async with chat.app.db.unit_of_work() as uow:
        await console.create_link(uow.session, token_hash=token_hash(token), person_id=person,
                                  now=now, expires_at=now + timedelta(minutes=minutes))
    return token


@asynccontextmanager
async def console_rig(store_url: str, **sections: Any) -> AsyncIterator[ConsoleRig]:
    chat = await ChatDriver.open(store_url, web={**WEB, **sections.pop("web", {})}, **sections)
    web_app = make_web_app(chat.app)
    server = TestServer(web_app, host="127.0.0.1", port=0)
    await server.start_server(**runner_options(web_app))
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
