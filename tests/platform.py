"""What the platform harnesses (Slack, WeCom, DingTalk) share: a clock ticking in real time from
a fixed Monday, esmbot served over real HTTP on loopback, and waiting until every handed-over
event is handled and everything it queued is sent."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
async def serving(settings: Settings, *, clock: Callable[[], datetime] | None = None,
                  ) -> AsyncIterator[tuple[BotApp, TestClient[Any, Any]]]:
    """esmbot with its enabled platforms, its web app on a loopback port, its loops running
    (``clock``: a ``ticking_clock`` from another moment, e.g. for a restart later)."""
    bot = await build_app(settings, clock=clock or ticking_clock())
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


async def inbox_rows(bot: BotApp) -> list[tuple[str, bool]]:
    """(event id, processed) for every row of the inbox, by event id."""
    async with bot.db.engine.connect() as conn:
        found = await conn.execute(text(
            "SELECT event_id, processed_at IS NOT NULL FROM inbound_event ORDER BY event_id"))
        return [(row[0], bool(row[1])) for row in found]


def with_inbox(settings: Settings, **inbound: Any) -> Settings:
    """``settings`` whose ``[inbound]`` gives up on a write after 0.5 s, and ``inbound``."""
    return settings.model_copy(update={"inbound": settings.inbound.model_copy(
        update={"take_in_seconds": 0.5, **inbound})})


@contextmanager
def database_locked(path: Path) -> Iterator[None]:
    """Another process holds the write lock of the SQLite file ``path``: no write gets through
    meanwhile (the database, as far as a writer can tell, is down)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()
