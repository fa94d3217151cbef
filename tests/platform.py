"""What the platform harnesses (Slack, WeCom, DingTalk) share: a clock ticking in real time from
a fixed Monday, esmbot served over real HTTP on loopback, and waiting until every handed-over
event is handled and everything it queued is sent."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from adapters.kit.background import BackgroundTasks
from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import attach_channels, make_web_app, runner_options

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class TracksTasks(Protocol):
    tasks: BackgroundTasks


def ticking_clock(start: datetime = MONDAY) -> Callable[[], datetime]:
    """Real time from a fixed Monday: retries wait for real, no journey depends on today."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[BotApp, TestClient[Any, Any]]]:
    """esmbot with its enabled platforms, its web app on a loopback port, its loops running."""
    bot = await build_app(settings, clock=ticking_clock())
    bot.start_background()
    web_app = make_web_app(bot)
    try:
        await attach_channels(bot, web_app)
    except BaseException:
        await bot.close()
        raise
    server = TestServer(web_app, host="127.0.0.1", port=0)
    await server.start_server(**runner_options(web_app))  # as ``esmbot serve`` runs it
    http: TestClient[Any, Any] = TestClient(server)
    await http.start_server()
    try:
        yield bot, http
    finally:
        await http.close()
        await bot.close()


async def settle(bot: BotApp, channel: TracksTasks) -> None:
    """Every event handed over is handled, and everything it queued is sent."""
    await channel.tasks.join()
    await bot.dispatcher.drain()


async def inbound_ids(bot: BotApp) -> list[str]:
    """The platform event ids the core has taken in (its dedupe table)."""
    async with bot.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event_id FROM inbound_event"))
        return sorted(row[0] for row in rows)
