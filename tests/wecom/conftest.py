"""The whole bot behind its real ``/wecom/callback``, talking to a fake qyapi.

``wecom`` gives a ``WeComHarness``: ``BotApp`` on a temp SQLite file, configured like ``esmbot
serve`` (``[wecom]`` settings, ``attach_channels``, the outbox loop running), served on
127.0.0.1, with helpers that encrypt callbacks with wechatpy and ``settle()`` (every event
handled, the outbox drained). Its clock ticks in real time from a fixed Monday, so no journey
depends on today's date. ``running(...)`` gives the same harness with other settings.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from adapters.wecom.channel import WeComChannel
from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import attach_channels, make_web_app
from tests.wecom import callbacks
from tests.wecom.callbacks import AES_KEY, AGENT_ID, CORP_ID, TOKEN, Sealed
from tests.wecom.fake_qyapi import Call, FakeQyapi

CALLBACK = "/wecom/callback"
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def wecom_settings(tmp_path: Path, fake: FakeQyapi, **wecom: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "wecom": {"enabled": True, "corp_id": fake.corp_id, "agent_id": fake.agent_id,
                  "secret": fake.secret, "token": TOKEN, "encoding_aes_key": AES_KEY,
                  "api_base_url": fake.base_url, **wecom},
    })


def ticking_clock(start: datetime = MONDAY) -> Callable[[], datetime]:
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


@dataclass
class WeComHarness:
    bot: BotApp
    fake: FakeQyapi
    http: TestClient[Any, Any]

    @property
    def channel(self) -> WeComChannel:
        channel = self.bot.channels["wecom"]
        assert isinstance(channel, WeComChannel)
        return channel

    async def post(self, plain: str, *, msg_signature: str | None = None,
                   sealed: Sealed | None = None) -> ClientResponse:
        """POST the callback ``plain`` (a decrypted XML), encrypted and signed as WeCom does."""
        sealed = sealed or callbacks.seal(plain)
        return await self.http.post(f"{CALLBACK}?{sealed.query(msg_signature=msg_signature)}",
                                    data=sealed.body.encode(),
                                    headers={"Content-Type": "text/xml"})

    async def say(self, user: str, words: str) -> None:
        """``user`` writes ``words`` to the app."""
        response = await self.post(callbacks.text(user, words))
        assert response.status == 200 and await response.text() == ""
        await self.settle()

    async def tap(self, user: str, card: Call, label: str) -> ClientResponse:
        """``user`` taps the button ``label`` on ``card`` (as it shows now)."""
        shown = self.fake.card_now(card)
        key = shown.button(label)["key"]
        code = self.fake.click_code(card.task_id)
        response = await self.post(callbacks.card_click(user, card.task_id, key, code))
        assert response.status == 200
        await self.settle()
        return response

    async def enter(self, user: str) -> None:
        """``user`` opens the app (``enter_agent``)."""
        await self.post(callbacks.event(user, "enter_agent", EventKey=""))
        await self.settle()

    async def settle(self) -> None:
        """Every event handed over is handled, and everything it queued is sent."""
        await self.channel.tasks.join()
        await self.bot.dispatcher.drain()

    async def inbound_ids(self) -> list[str]:
        async with self.bot.db.engine.connect() as conn:
            rows = await conn.execute(text("SELECT event_id FROM inbound_event"))
            return sorted(row[0] for row in rows)


@pytest.fixture
async def fake_qyapi() -> AsyncIterator[FakeQyapi]:
    fake = await FakeQyapi(corp_id=CORP_ID, agent_id=AGENT_ID).start()
    yield fake
    await fake.close()


@asynccontextmanager
async def running(settings: Settings, fake: FakeQyapi) -> AsyncIterator[WeComHarness]:
    bot = await build_app(settings, clock=ticking_clock())
    bot.start_background()
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    http: TestClient[Any, Any] = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
    await http.start_server()
    try:
        yield WeComHarness(bot, fake, http)
    finally:
        await http.close()
        await bot.close()


@pytest.fixture
async def wecom(tmp_path: Path, fake_qyapi: FakeQyapi) -> AsyncIterator[WeComHarness]:
    async with running(wecom_settings(tmp_path, fake_qyapi), fake_qyapi) as harness:
        yield harness
