"""The real-browser rig: Debian's Chromium driven by Playwright, against esmbot served for real.

``ensure_chromium()`` makes sure ``/usr/bin/chromium`` and a CJK font are there (``apt-get
install chromium fonts-noto-cjk`` when missing and we are root, like tests/pg.py does for
PostgreSQL); nothing ever downloads a browser (no ``playwright install``).

``Console`` is esmbot with ``[web] enabled`` on a loopback port (``public_url`` is that port), the
Slack adapter talking to a fake Slack (tests/slack/fake_slack.py) as the chat a person asks for
links in, and a Chromium to open pages with. Every page it opens records its console errors and
page errors; ``Console.errors`` holds them and the fixture fails the test when any remain.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import attach_channels, make_web_app, runner_options
from devtools.postgres import free_port
from tests.platform import settle, ticking_clock
from tests.slack import payloads
from tests.slack.conftest import SIGNING_SECRET, signed
from tests.slack.fake_slack import FakeSlack

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}
SESSION_SECRET = "browser-rig-session-secret-0123456789abcdef"
LINK = re.compile(r"https?://[^\s<>|]+/console/signin/[A-Za-z0-9_\-]+")


class BrowserUnavailable(RuntimeError):
    """No Chromium (or no CJK font) and no way to install them here."""


def cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def ensure_chromium() -> Path:
    """``/usr/bin/chromium`` with a CJK font, apt-get installing them when we can."""
    if CHROMIUM.exists() and cjk_font_installed():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise BrowserUnavailable("Chromium or fonts-noto-cjk is missing and we cannot apt-get "
                                 "them: run `apt-get install -y chromium fonts-noto-cjk`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "install", "-y", "chromium", "fonts-noto-cjk"],
                 ["apt-get", "update"],
                 ["apt-get", "install", "-y", "chromium", "fonts-noto-cjk"]):
        result = subprocess.run(argv, capture_output=True, text=True, timeout=900, env=env)
        if result.returncode == 0 and argv[1] == "install":
            break
    if not (CHROMIUM.exists() and cjk_font_installed()):
        raise BrowserUnavailable("apt-get install chromium fonts-noto-cjk failed: "
                                 + (result.stderr or result.stdout)[-500:])
    return CHROMIUM


@asynccontextmanager
async def chromium(executable: Path = CHROMIUM) -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, through Playwright's Python API."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(executable), headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class PageErrors:
    """What went wrong in the pages a test opened: console errors and uncaught exceptions."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: page error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "?")
        if message.type == "error" and not where.endswith("/favicon.ico"):
            # the browser's own favicon probe on non-HTML answers is not the page's error
            self.seen.append(f"{where}: console error: {message.text}")

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen


def console_settings(tmp_path: Path, fake: FakeSlack, port: int, **web: Any) -> Settings:
    """``esmbot serve``'s settings for the rig: SQLite file, Slack on the fake, the console on."""
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "slack": {"enabled": True, "bot_token": fake.bot_token, "signing_secret": SIGNING_SECRET,
                  "api_base_url": fake.api_url},
        "web": {"enabled": True, "public_url": f"http://127.0.0.1:{port}",
                "session_secret": SESSION_SECRET, **web},
    })


@dataclass
class Console:
    """esmbot served on ``base_url`` with the console enabled, a fake Slack, and a browser."""

    bot: BotApp
    fake: FakeSlack
    http: TestClient[Any, Any]
    browser: Browser
    base_url: str
    errors: PageErrors = field(default_factory=PageErrors)
    contexts: list[BrowserContext] = field(default_factory=list)

    async def page(self, *, locale: str = "zh-CN") -> Page:
        """A new page in its own browser context (own cookies: one person), 1280x800."""
        context = await self.browser.new_context(viewport=VIEWPORT,  # type: ignore[arg-type]
                                                 locale=locale, base_url=self.base_url)
        self.contexts.append(context)
        return self.errors.watch(await context.new_page())

    def url(self, path: str) -> str:
        return self.base_url + path

    async def say(self, slack_user: str, text: str) -> None:
        """``slack_user`` (e.g. ``U01ALICE``) writes ``text`` to the bot in their Slack DM."""
        body = json.dumps(payloads.event_callback(payloads.dm(slack_user, text,
                                                               ts=payloads.next_ts())))
        await self.http.post("/slack/events", data=body.encode(),
                             headers={"Content-Type": "application/json", **signed(body)})
        await self.settle()

    async def settle(self) -> None:
        channel = self.bot.channels["slack"]
        await settle(self.bot, channel)  # type: ignore[arg-type]

    def texts_to(self, slack_user: str) -> list[str]:
        """Everything the bot wrote into ``slack_user``'s DM (text and block texts)."""
        dm = "D" + slack_user.removeprefix("U")
        return [_all_text(call.args) for call in self.fake.posts_to(dm)]

    async def link_for(self, slack_user: str, ask: str = "看板") -> str:
        """``slack_user`` asks the bot for a console link in chat; the link it answered."""
        before = len(self.texts_to(slack_user))
        await self.say(slack_user, ask)
        for text in reversed(self.texts_to(slack_user)[before:]):
            found = LINK.search(text)
            if found:
                return found.group(0)
        raise AssertionError(f"no sign-in link in the bot's answers: "
                             f"{self.texts_to(slack_user)[before:]}")

    def slack_id(self, person_id: str) -> str:
        person = self.bot.services.bundle.directory.persons[person_id]
        assert person.slack, f"{person_id} has no Slack id in the directory"
        return person.slack

    async def mint_link(self, person_id: str) -> str:
        """A one-time sign-in link for ``person_id`` made in the store (as the chat command
        does), for journeys that are not about asking for it."""
        from store import console as console_store
        from store.console import hash_token as token_hash

        token = secrets.token_urlsafe(24)
        now = self.bot.services.clock()
        async with self.bot.db.unit_of_work() as uow:
            await console_store.create_link(uow.session, token_hash=token_hash(token),
                                            person_id=person_id, now=now,
                                            expires_at=now + timedelta(minutes=10))
        return self.url(f"/console/signin/{token}")

    async def open_link(self, page: Page, link: str) -> None:
        """Open a sign-in link; its page signs in at once (signin.js) and moves on."""
        await page.goto(link)
        await page.wait_for_url(lambda url: "/console/signin/" not in url)

    async def signed_in_page(self, person_id: str, *, locale: str = "zh-CN",
                             via_chat: bool = True) -> Page:
        """A page of ``person_id`` (a directory id, e.g. ``carol``), signed in through a link
        asked for in the fake Slack ("看板"), or one made in the store (``via_chat=False``)."""
        link = (await self.link_for(self.slack_id(person_id)) if via_chat
                else await self.mint_link(person_id))
        page = await self.page(locale=locale)
        await self.open_link(page, link)
        return page

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


def _all_text(value: Any) -> str:
    """Every string inside a Slack message (its text and its blocks), joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(_all_text(item) for item in value.values())
    if isinstance(value, list):
        return " ".join(_all_text(item) for item in value)
    return ""


@asynccontextmanager
async def serving_console(tmp_path: Path, browser: Browser, *,
                          clock: Callable[[], datetime] | None = None,
                          settings: Callable[[Settings], Settings] | None = None,
                          **web: Any) -> AsyncIterator[Console]:
    """The rig: esmbot on a free loopback port, the fake Slack, the browser; ``settings``
    adjusts the rig's settings (e.g. another directory), ``web`` overrides ``[web]``."""
    fake = await FakeSlack(emails={"carol@example.com": "U01CAROL"}).start()
    port = free_port()
    configured = console_settings(tmp_path, fake, port, **web)
    if settings is not None:
        configured = settings(configured)
    bot = await build_app(configured, clock=clock or ticking_clock())
    bot.start_background()
    web_app = make_web_app(bot)
    try:
        await attach_channels(bot, web_app)
        server = TestServer(web_app, host="127.0.0.1", port=port)
        await server.start_server(**runner_options(web_app))
        http: TestClient[Any, Any] = TestClient(server)
        await http.start_server()
    except BaseException:
        await bot.close()
        await fake.close()
        raise
    console = Console(bot, fake, http, browser, f"http://127.0.0.1:{port}")
    try:
        yield console
    finally:
        await console.close()
        await http.close()
        await bot.close()
        await fake.close()
