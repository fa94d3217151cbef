"""Single sign-on journeys: the console (served by the real app) with WeCom, DingTalk or Slack
enabled against their fakes, and a browser that follows the redirects between them.

The console's ``public_url`` (https://esm.example.com) is this test server: an address there
is opened on it (as behind the company's reverse proxy); any other address is a platform's
page on its fake, opened with a second client (no cookies of ours go there)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from tests.dingtalk.fake_dingtalk import FakeDingTalk
from tests.slack.fake_slack import FakeSlack
from tests.web.console.rig import Browser, ConsoleRig, console_rig
from tests.wecom.callbacks import AES_KEY, TOKEN
from tests.wecom.fake_qyapi import FakeQyapi

PUBLIC = "https://esm.example.com"  # https: the cookies are Secure, as in production
_WHO = re.compile(r'class="who">([^<]*)<')
_REFUSAL = re.compile(r'data-refusal="([a-z_]+)"')


def wecom_section(fake: FakeQyapi) -> dict[str, Any]:
    return {"enabled": True, "corp_id": fake.corp_id, "agent_id": fake.agent_id,
            "secret": fake.secret, "token": TOKEN, "encoding_aes_key": AES_KEY,
            "api_base_url": fake.base_url, "oauth_authorize_url": fake.oauth_url}


def dingtalk_section(fake: FakeDingTalk) -> dict[str, Any]:
    return {"enabled": True, "app_key": fake.app_key, "app_secret": fake.app_secret,
            "api_base_url": fake.url, "login_base_url": fake.url, "oapi_base_url": fake.url}


def slack_section(fake: FakeSlack, **more: Any) -> dict[str, Any]:
    return {"enabled": True, "bot_token": fake.bot_token, "signing_secret": "s" * 32,
            "api_base_url": fake.api_url, "client_id": fake.openid.client_id,
            "client_secret": fake.openid.client_secret, **more}


@dataclass
class SsoBrowser:
    """A person's browser: the console's cookies in ``tab``, the platforms' pages outside."""

    tab: Browser
    outside: aiohttp.ClientSession

    async def start(self, platform: str) -> str:
        """Click the platform's button: the address of the platform's page we are sent to."""
        answer = await self.tab.get(f"/console/sso/{platform}/start")
        assert answer.status == 302, self.tab.last_html
        return answer.headers["Location"]

    async def at_platform(self, url: str) -> str:
        """The platform's page signs the person in and sends the browser back: to where."""
        async with self.outside.get(url, allow_redirects=False) as answer:
            assert answer.status == 302, await answer.text()
            return answer.headers["Location"]

    async def open(self, url: str) -> ClientResponse:
        """An address on the console (``public_url``), as the browser opens it."""
        assert url.startswith(f"{PUBLIC}/console/"), url
        return await self.tab.get(url.removeprefix(PUBLIC))

    async def sign_in_with(self, platform: str) -> ClientResponse:
        return await self.open(await self.at_platform(await self.start(platform)))

    async def signed_in_as(self) -> str | None:
        """Whose "my requests" the console's home page shows (None: it sends us to sign in)."""
        page = await self.tab.get("/console/")
        if page.status == 303:
            assert page.headers["Location"].startswith("/console/signin")
            return None
        assert page.status == 200
        found = _WHO.search(self.tab.last_html)
        assert found, "the home page does not name who is signed in"
        return found.group(1)

    def refusal(self) -> str | None:
        found = _REFUSAL.search(self.tab.last_html)
        return found.group(1) if found else None


@asynccontextmanager
async def sso_rig(store_url: str, **sections: Any) -> AsyncIterator[SsoRig]:
    async with console_rig(store_url, web={"public_url": PUBLIC}, **sections) as rig, \
            aiohttp.ClientSession() as outside:
        sso = SsoRig(rig, outside)
        try:
            yield sso
        finally:
            await sso.close()


@dataclass
class SsoRig:
    console: ConsoleRig
    outside: aiohttp.ClientSession
    _clients: list[TestClient[Any, Any]] = field(default_factory=list)

    async def browser(self) -> SsoBrowser:
        """A new browser; its cookie jar takes the test server (http) for the https
        ``public_url`` it stands for, so that Secure cookies come back as they would."""
        server = self.console.server
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[server.make_url("/")])
        http: TestClient[Any, Any] = TestClient(server, cookie_jar=jar)
        await http.start_server()
        self._clients.append(http)
        return SsoBrowser(Browser(http, self.console.chat), self.outside)

    async def close(self) -> None:
        for http in self._clients:
            await http.close()

    def advance(self, **delta: float) -> None:
        self.console.chat.clock.advance(**delta)
