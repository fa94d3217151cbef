"""The whole bot with DingTalk attached as ``esmbot serve`` does, against a fake DingTalk.

``dingtalk`` gives a ``DingTalkHarness``: ``BotApp`` on a temp SQLite file, ``[dingtalk]``
settings (stream mode, a card template), ``attach_channels``, the outbox loop running, the
web app served on 127.0.0.1 (for HTTP mode). ``say`` pushes a robot message over the stream,
``tap`` a card click; both wait for the ACK, then ``settle()`` (every event handled, the
outbox drained). Nothing waits for time. ``running(...)`` gives the same with other settings.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.signing import sign
from bot.app import BotApp
from bot.settings import Settings
from tests.dingtalk import payloads
from tests.dingtalk.fake_dingtalk import FakeDingTalk, Sent
from tests.platform import inbound_ids, serving, settle

TEMPLATE = "tpl-esmbot-0001.schema"
CALLBACK = "/dingtalk/callback"



def dingtalk_settings(tmp_path: Path, fake: FakeDingTalk, **dingtalk: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "dingtalk": {"enabled": True, "app_key": fake.app_key, "app_secret": fake.app_secret,
                     "api_base_url": fake.url, "card_template_id": TEMPLATE,
                     "session_webhook_url": fake.webhook_url, **dingtalk},
    })


def signed(*, timestamp: int | None = None, secret: str = "test-app-secret") -> dict[str, str]:
    stamp = str(int(time.time() * 1000) if timestamp is None else timestamp)
    return {"timestamp": stamp, "sign": sign(stamp, secret)}


def target(staff_id: str, group: str = "") -> str:
    return group or "@" + staff_id


@dataclass
class DingTalkHarness:
    bot: BotApp
    fake: FakeDingTalk
    http: TestClient[Any, Any]

    @property
    def channel(self) -> DingTalkChannel:
        channel = self.bot.channels["dingtalk"]
        assert isinstance(channel, DingTalkChannel)
        return channel

    def message(self, staff_id: str, text: str, *, group: str = "", msg_id: str = "",
                **extra: Any) -> dict[str, Any]:
        webhook = self.fake.session_webhook(target(staff_id, group))
        return payloads.robot_message(staff_id, text, webhook=webhook, group=group,
                                      msg_id=msg_id, **extra)

    async def push(self, data: dict[str, Any]) -> dict[str, Any]:
        """A robot message over the stream; returns its ACK once the adapter sent it."""
        return await self.fake.wait_for_ack(self.fake.push_message(data))

    async def say(self, staff_id: str, text: str, *, group: str = "", msg_id: str = "") -> None:
        """``staff_id`` writes ``text`` to the robot (in ``group``, @mentioning it)."""
        await self.push(self.message(staff_id, text, group=group, msg_id=msg_id))
        await self.settle()

    async def click(self, staff_id: str, card: Sent, action_id: str, value: str = "") -> None:
        data = payloads.card_callback(staff_id, card.out_track_id, action_id, value,
                                      group="" if card.target.startswith("@") else card.target)
        await self.fake.wait_for_ack(self.fake.push_card_callback(data))
        await self.settle()

    async def tap(self, staff_id: str, card: Sent, label: str) -> None:
        """``staff_id`` clicks the button labelled ``label`` on ``card`` as it reads now."""
        button = self.fake.now(card).button(label)
        await self.click(staff_id, card, button["action_id"], button.get("value", ""))

    async def post(self, data: dict[str, Any], headers: dict[str, str] | None = None
                   ) -> ClientResponse:
        """HTTP mode: DingTalk POSTs a robot message to our callback."""
        return await self.http.post(CALLBACK, data=json.dumps(data).encode(),
                                    headers={"Content-Type": "application/json",
                                             **(signed() if headers is None else headers)})

    async def settle(self) -> None:
        """Every event handed over is handled, and everything it queued is sent."""
        await settle(self.bot, self.channel)

    async def inbound_ids(self) -> list[str]:
        return await inbound_ids(self.bot)


@pytest.fixture
async def fake_dingtalk() -> AsyncIterator[FakeDingTalk]:
    fake = await FakeDingTalk().start()
    yield fake
    await fake.close()


@asynccontextmanager
async def running(settings: Settings, fake: FakeDingTalk) -> AsyncIterator[DingTalkHarness]:
    async with serving(settings) as (bot, http):
        yield DingTalkHarness(bot, fake, http)


@pytest.fixture
async def dingtalk(tmp_path: Path, fake_dingtalk: FakeDingTalk
                   ) -> AsyncIterator[DingTalkHarness]:
    async with running(dingtalk_settings(tmp_path, fake_dingtalk), fake_dingtalk) as harness:
        yield harness


@pytest.fixture
async def dingtalk_http(tmp_path: Path, fake_dingtalk: FakeDingTalk
                        ) -> AsyncIterator[DingTalkHarness]:
    """HTTP mode without a card template: no stream at all, numbered replies."""
    settings = dingtalk_settings(tmp_path, fake_dingtalk, mode="http", card_template_id="")
    async with running(settings, fake_dingtalk) as harness:
        yield harness
