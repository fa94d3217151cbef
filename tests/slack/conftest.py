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
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from slack_sdk.signature import SignatureVerifier

from adapters.slack.channel import SlackChannel
from bot.app import BotApp
from bot.settings import Settings
from tests.platform import inbound_ids, serving, settle
from tests.slack import payloads
from tests.slack.fake_slack import Call, FakeSlack

SIGNING_SECRET = "test-signing-secret"
EVENTS = "/slack/events"


def slack_settings(tmp_path: Path, fake: FakeSlack, *, directory: Path | None = None,
                   **slack: Any) -> Settings:
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.1},
        "slack": {"enabled": True, "bot_token": fake.bot_token, "signing_secret": SIGNING_SECRET,
                  "api_base_url": fake.api_url, **slack},
        **({"directory": {"path": str(directory)}} if directory else {}),
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
        await settle(self.bot, self.channel)

    async def inbound_ids(self) -> list[str]:
        return await inbound_ids(self.bot)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(emails={"carol@example.com": "U01CAROL"}).start()
    yield fake
    await fake.close()


@asynccontextmanager
async def running(settings: Settings, fake: FakeSlack, *,
                  clock: Callable[[], datetime] | None = None) -> AsyncIterator[SlackHarness]:
    async with serving(settings, clock=clock) as (bot, http):
        yield SlackHarness(bot, fake, http)


@pytest.fixture
async def slack(tmp_path: Path, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    async with running(slack_settings(tmp_path, fake_slack), fake_slack) as harness:
        yield harness
