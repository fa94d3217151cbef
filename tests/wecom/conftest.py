"""The whole bot behind its real ``/wecom/callback``, talking to a fake qyapi.

``wecom`` gives a ``WeComHarness``: ``BotApp`` on a temp SQLite file, configured like ``esmbot
serve`` (``[wecom]`` settings, ``attach_channels``, the outbox loop running), served on
127.0.0.1, with helpers that encrypt callbacks with wechatpy and ``settle()`` (every event
handled, the outbox drained). Its clock ticks in real time from a fixed Monday, so no journey
depends on today's date. ``running(...)`` gives the same harness with other settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from adapters.wecom.channel import WeComChannel
from bot.app import BotApp
from bot.settings import Settings
from tests.platform import inbound_ids, serving, settle
from tests.wecom import callbacks
from tests.wecom.callbacks import AES_KEY, AGENT_ID, CORP_ID, TOKEN, Sealed
from tests.wecom.fake_qyapi import Call, FakeQyapi

CALLBACK = "/wecom/callback"


def wecom_settings(tmp_path: Path, fake: FakeQyapi, **wecom: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "wecom": {"enabled": True, "corp_id": fake.corp_id, "agent_id": fake.agent_id,
                  "secret": fake.secret, "token": TOKEN, "encoding_aes_key": AES_KEY,
                  "api_base_url": fake.base_url, **wecom},
    })



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
        await settle(self.bot, self.channel)

    async def inbound_ids(self) -> list[str]:
        return await inbound_ids(self.bot)


@pytest.fixture
async def fake_qyapi() -> AsyncIterator[FakeQyapi]:
    fake = await FakeQyapi(corp_id=CORP_ID, agent_id=AGENT_ID).start()
    yield fake
    await fake.close()


@asynccontextmanager
async def running(settings: Settings, fake: FakeQyapi) -> AsyncIterator[WeComHarness]:
    async with serving(settings) as (bot, http):
        yield WeComHarness(bot, fake, http)


@pytest.fixture
async def wecom(tmp_path: Path, fake_qyapi: FakeQyapi) -> AsyncIterator[WeComHarness]:
    async with running(wecom_settings(tmp_path, fake_qyapi), fake_qyapi) as harness:
        yield harness
