"""``esmbot serve``'s web server against slow, greedy and curious clients, over raw sockets.

Small limits are configured so the journeys are short: headers within 0.3 s, the body within
0.3 s, at most 5 open connections per address.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import BotApp, build_app
from bot.settings import Settings
from bot.web import make_web_app, start_serving

PER_CLIENT = 5
CLOSED_WITHIN = 10.0  # seconds a test waits for what the 0.3 s limits must have closed


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[BotApp, int]]:
    settings = Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "server": {"header_timeout_seconds": 0.3, "body_timeout_seconds": 0.3,
                   "connections_per_client": PER_CLIENT},
    })
    bot = await build_app(settings)
    runner, site = await start_serving(make_web_app(bot), "127.0.0.1", 0)
    try:
        yield bot, site.port
    finally:
        await runner.cleanup()
        await bot.close()


async def half_sent(port: int, data: bytes = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
                    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    return reader, writer


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """What the server said before it closed the connection (waits for the close)."""
    try:
        async with asyncio.timeout(CLOSED_WITHIN):
            return await reader.read()
    except (ConnectionResetError, BrokenPipeError):
        return b""


async def get(port: int, path: str) -> tuple[int, dict[str, object]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_dozens_of_half_sent_connections_are_all_closed(
        served: tuple[BotApp, int]) -> None:
    _, port = served
    connections = [await half_sent(port) for _ in range(40)]
    said = await asyncio.gather(*(closed_by_server(reader) for reader, _ in connections))
    assert all(not answer.startswith(b"HTTP/1.1 200") for answer in said)
    for _, writer in connections:
        writer.close()
    status, body = await get(port, "/healthz")  # the server still answers others
    assert status == 200 and body["status"] == "ok"


async def test_one_address_holds_at_most_its_share_of_connections(
        served: tuple[BotApp, int]) -> None:
    _, port = served
    held = [await half_sent(port, b"") for _ in range(PER_CLIENT)]
    extra = [await half_sent(port, b"") for _ in range(20)]
    refused = await asyncio.gather(*(closed_by_server(reader) for reader, _ in extra))
    assert refused == [b""] * 20  # closed at once, nothing answered
    for _, writer in held + extra:
        writer.close()


async def test_a_body_that_trickles_is_answered_408(served: tuple[BotApp, int]) -> None:
    _, port = served
    reader, writer = await half_sent(
        port, b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"a\":")
    said = await closed_by_server(reader)
    assert said.startswith(b"HTTP/1.1 408")
    writer.close()


async def test_an_idle_kept_alive_connection_is_closed(served: tuple[BotApp, int]) -> None:
    _, port = served
    reader, writer = await half_sent(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    said = await closed_by_server(reader)  # the answer, then no next request in time
    assert said.startswith(b"HTTP/1.1 200")
    writer.close()


async def test_healthz_says_unhealthy_and_nothing_about_the_database(
        served: tuple[BotApp, int], monkeypatch: pytest.MonkeyPatch) -> None:
    bot, port = served
    unreachable = create_async_engine("postgresql+asyncpg://esmbot@127.0.0.1:1/esmbot")
    monkeypatch.setattr(bot.db, "engine", unreachable)  # a store that refuses connections
    status, body = await get(port, "/healthz")
    await unreachable.dispose()
    assert status == 503
    assert body == {"status": "unhealthy"}  # not "127.0.0.1", not the port
