"""The whole bot behind its real HTTP endpoint, talking to a fake Slack Web API.

``slack`` gives a ``SlackHarness``: ``BotApp`` on a temp SQLite file, configured like
``esmbot serve`` (``[slack]`` settings, ``attach_channels``, the outbox loop running), served on
127.0.0.1, with signed-request helpers and ``settle()`` (every event handled, the outbox drained).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from adapters.slack.channel import SlackChannel
from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import attach_channels, make_web_app
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack

SIGNING_SECRET = "test-signing-secret"
EVENTS = "/slack/events"


def slack_settings(tmp_path: Path, fake: FakeSlack, **slack: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "slack": {"enabled": True, "bot_token": fake.bot_token, "signing_secret": SIGNING_SECRET,
                  "api_base_url": fake.api_url, **slack},
    })


def signed(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET
           ) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or ""}


@dataclass
class SlackHarness:
    bot: BotApp
    fake: FakeSlack
    http: TestClient[Any, Any]

    @property
    def channel(self) -> SlackChannel:
        channel = self.bot.channels["slack"]
        assert isinstance(channel, SlackChannel)
        return channel

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None
                   ) -> ClientResponse:
        return await self.http.post(EVENTS, data=body.encode(),
                                    headers={"Content-Type": content_type,
                                             **(headers if headers is not None else signed(body))})

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    headers: dict[str, str] | None = None) -> ClientResponse:
        body = json.dumps(payloads.event_callback(event, event_id=event_id))
        return await self.post(body, "application/json", {**signed(body), **(headers or {})})

    async def interact(self, payload: dict[str, Any]) -> ClientResponse:
        return await self.post(payloads.form_body(payload), "application/x-www-form-urlencoded")

    async def settle(self) -> None:
        """Every event handed over is handled, and everything it queued is sent."""
        await self.channel.tasks.join()
        await self.bot.dispatcher.drain()

    async def inbound_ids(self) -> list[str]:
        async with self.bot.db.engine.connect() as conn:
            rows = await conn.execute(text("SELECT event_id FROM inbound_event"))
            return sorted(row[0] for row in rows)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(emails={"carol@example.com": "U01CAROL"}).start()
    yield fake
    await fake.close()


@pytest.fixture
async def slack(tmp_path: Path, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    bot = await build_app(slack_settings(tmp_path, fake_slack))
    bot.start_background()
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    http: TestClient[Any, Any] = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
    await http.start_server()
    yield SlackHarness(bot, fake_slack, http)
    await http.close()
    await bot.close()
