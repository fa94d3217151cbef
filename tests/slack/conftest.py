"""The whole bot behind its real HTTP endpoint, talking to a fake Slack Web API.

``slack`` gives a ``SlackHarness``: ``BotApp`` on a temp SQLite file, configured like
``esmbot serve`` (``[slack]`` settings, ``attach_channels``, the outbox loop running), served on
127.0.0.1, with signed-request helpers and ``settle()`` (every event handled, the outbox drained).
Its clock ticks in real time from a fixed Monday, so retries wait for real but no journey
depends on today's date (the demo directory has a dated delegation). ``running(...)`` gives the
same harness with other settings, e.g. another directory file.
"""

from __future__ import annotations

import json
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
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from adapters.slack.channel import SlackChannel
from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import attach_channels, make_web_app
from tests.slack import payloads
from tests.slack.fake_slack import Call, FakeSlack

SIGNING_SECRET = "test-signing-secret"
EVENTS = "/slack/events"
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def slack_settings(tmp_path: Path, fake: FakeSlack, *, directory: Path | None = None,
                   **slack: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "slack": {"enabled": True, "bot_token": fake.bot_token, "signing_secret": SIGNING_SECRET,
                  "api_base_url": fake.api_url, **slack},
        **({"directory": {"path": str(directory)}} if directory else {}),
    })


def ticking_clock(start: datetime = MONDAY) -> Callable[[], datetime]:
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


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

    async def tap(self, user: str, card: Call, label: str) -> None:
        """``user`` clicks the button labelled ``label`` on the message ``card`` posted."""
        chosen = card.button(label)
        await self.interact(payloads.block_actions(
            user, chosen["action_id"], value=chosen.get("value", ""),
            channel=card.args["channel"], message_ts=card.ts))
        await self.settle()

    async def say(self, user: str, text: str) -> None:
        """``user`` writes ``text`` to the bot in their DM."""
        await self.event(payloads.dm(user, text, ts=payloads.next_ts()))
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
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(emails={"carol@example.com": "U01CAROL"}).start()
    yield fake
    await fake.close()


@asynccontextmanager
async def running(settings: Settings, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    bot = await build_app(settings, clock=ticking_clock())
    bot.start_background()
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    http: TestClient[Any, Any] = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
    await http.start_server()
    try:
        yield SlackHarness(bot, fake, http)
    finally:
        await http.close()
        await bot.close()


@pytest.fixture
async def slack(tmp_path: Path, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    async with running(slack_settings(tmp_path, fake_slack), fake_slack) as harness:
        yield harness
