"""esmbot served with Slack (on a fake Slack) and the web console's chat panel, and browsers
that sign in with a one-time link and open the panel's socket (``Page``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.web.channel import WebChannel
from bot.settings import Settings, WebSettings
from store import audit, console
from store.audit import AuditEventRow
from tests.platform import settle
from tests.slack.conftest import SlackHarness, running, slack_settings
from tests.slack.fake_slack import FakeSlack
from tests.webchat.page import Page

SECRET = "a-test-secret-that-is-long-enough"
_PRE = re.compile(r'name="pre" value="([^"]*)"')  # the sign-in link page's form
DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "dialogs" / "demo" / "directory.toml"


def web_settings(tmp_path: Path, fake: FakeSlack, directory: Path | None = None) -> Settings:
    settings = slack_settings(tmp_path, fake, directory=directory)
    return settings.model_copy(update={"web": WebSettings(
        enabled=True, public_url="http://esm.example.com", session_secret=SecretStr(SECRET))})


def web_only(tmp_path: Path, *people: str) -> Path:
    """The demo directory where ``people`` have no platform id at all, nor an email address
    (which Slack would try first): the web panel only."""
    text = DEMO_DIRECTORY.read_text(encoding="utf-8")
    for person in people:
        block = re.search(rf'\[\[person\]\]\nid = "{person}"\n(?:(?!\[\[).*\n)*', text)
        assert block, person
        stripped = re.sub(r'^(slack|wecom|dingtalk|email) = .*\n', "", block.group(0), flags=re.M)
        text = text.replace(block.group(0), stripped)
    path = tmp_path / "directory.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class WebChat:
    slack: SlackHarness
    sessions: list[aiohttp.ClientSession] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    @property
    def channel(self) -> WebChannel:
        channel = self.slack.bot.channels["web"]
        assert isinstance(channel, WebChannel)
        return channel

    async def browser(self) -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(base_url=str(self.slack.http.make_url("/")),
                                        cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sessions.append(session)
        return session

    async def signed_in(self, person: str) -> aiohttp.ClientSession:
        """A browser in which ``person`` opened a fresh sign-in link."""
        browser = await self.browser()
        token = secrets.token_urlsafe(32)
        bot = self.slack.bot
        now = bot.services.clock()
        async with bot.db.unit_of_work() as uow:
            await console.create_link(uow.session, token_hash=console.hash_token(token),
                                      person_id=person, now=now,
                                      expires_at=now + timedelta(minutes=10))
        async with browser.get(f"/console/signin/{token}") as page:
            found = _PRE.search(await page.text())
        assert found, "the sign-in page has no form"
        async with browser.post(f"/console/signin/{token}", data={"pre": found.group(1)},
                                allow_redirects=False) as signed:
            assert signed.status == 303
        return browser

    async def open(self, browser: aiohttp.ClientSession, **kw: Any) -> Page:
        """The chat panel's socket in ``browser`` (a tab)."""
        page = Page(await browser.ws_connect("/console/ws", **kw))
        self.pages.append(page)
        return page

    async def settle(self) -> None:
        """Every frame and Slack event handed over is handled, and everything queued sent."""
        await self.channel.tasks.join()
        await settle(self.slack.bot, self.slack.channel)
        await self.channel.tasks.join()
        await self.slack.bot.dispatcher.drain()

    async def say(self, page: Page, text: str) -> None:
        assert (await page.say(text))["type"] == "taken"
        await self.settle()

    async def tap(self, page: Page, label: str) -> None:
        """Click the button labelled ``label`` on the latest card that has one."""
        for frame_id, message in reversed(_shown(page)):
            for button in getattr(message, "buttons", ()) + getattr(message, "choices", ()):
                if button.label == label:
                    answer = await page.click(button.action_id, value=button.value,
                                              message=frame_id)
                    assert answer["type"] == "taken"
                    await self.settle()
                    return
        raise AssertionError(f"no button {label!r}; shown: {page.cards()}")

    async def trail(self, subject: str = "REQ-1") -> list[AuditEventRow]:
        async with self.slack.bot.db.unit_of_work() as uow:
            return await audit.events_for(uow.session, subject=subject)

    async def close(self) -> None:
        for page in self.pages:
            await page.close()
        for session in self.sessions:
            await session.close()


def _shown(page: Page) -> list[tuple[str, Any]]:
    from chat.replies import message_from_dict

    latest: dict[str, Any] = {}
    for frame in page.shown_frames():
        latest[frame["id"]] = message_from_dict(frame["message"])
    return list(latest.items())


def texts(page: Page) -> str:
    """Everything the page shows now, as one text."""
    from chat.replies import plain_text

    return "\n".join(plain_text(m) for m in page.cards())


@asynccontextmanager
async def web_chat(settings: Settings, fake: FakeSlack) -> AsyncIterator[WebChat]:
    async with running(settings, fake) as slack:
        served = WebChat(slack)
        try:
            yield served
        finally:
            await served.close()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


@pytest.fixture
async def webchat(tmp_path: Path, fake_slack: FakeSlack) -> AsyncIterator[WebChat]:
    async with web_chat(web_settings(tmp_path, fake_slack), fake_slack) as served:
        yield served
