"""A minimal fake Slack Web API on loopback that notes when each message arrives.

It answers ``auth.test``, ``conversations.open``, ``chat.postMessage``, ``chat.update`` and
``users.info`` with the shapes Slack documents, and keeps, per channel, the arrival time
(``time.perf_counter``) of every ``chat.postMessage``. The load generator lives in the same
process, so ``expect(channel, n)`` resolves with those times when the n-th message is in.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-bench-token"
BOT_USER_ID = "U0ESMBOT"
TEAM_ID = "T0BENCH"


class FakeSlack:
    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.calls: dict[str, int] = defaultdict(int)
        self.total_posts = 0
        self._waiting: dict[str, tuple[int, asyncio.Future[list[float]]]] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def posted(self, channel: str) -> int:
        return len(self.arrivals[channel])

    def expect(self, channel: str, count: int) -> asyncio.Future[list[float]]:
        """Resolves with the channel's arrival times once it has ``count`` messages."""
        future: asyncio.Future[list[float]] = asyncio.get_running_loop().create_future()
        if len(self.arrivals[channel]) >= count:
            future.set_result(self.arrivals[channel])
        else:
            self._waiting[channel] = (count, future)
        return future

    def forget(self, channel: str) -> None:
        self._waiting.pop(channel, None)

    async def settle(self, quiet: float = 0.5, limit: float = 60.0) -> None:
        """Wait until no message has arrived for ``quiet`` seconds (at most ``limit``)."""
        deadline = time.monotonic() + limit
        seen, since = self.total_posts, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet:
            await asyncio.sleep(0.05)
            if self.total_posts != seen:
                seen, since = self.total_posts, time.monotonic()

    async def _api(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        method = request.match_info["method"]
        self.calls[method] += 1
        args = await _arguments(request)
        if request.headers.get("Authorization", "") != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage":
            return web.json_response(self._post(args, arrived))
        if method == "chat.update":
            return web.json_response({"ok": True, "channel": args.get("channel"),
                                      "ts": args.get("ts"), "text": args.get("text")})
        if method == "conversations.open":
            user = str(args.get("users") or "")
            return web.json_response({"ok": True, "channel": {"id": "D" + user[1:]}})
        if method == "auth.test":
            return web.json_response({"ok": True, "url": "https://bench.slack.com/",
                                      "team": "Bench", "user": "esmbot", "team_id": TEAM_ID,
                                      "user_id": BOT_USER_ID, "bot_id": "B0ESMBOT"})
        if method == "users.info":
            user = str(args.get("user") or "")
            return web.json_response({"ok": True, "user": {
                "id": user, "team_id": TEAM_ID, "name": user.lower(), "deleted": False,
                "is_bot": False, "profile": {"real_name": user.lower()}}})
        return web.json_response({"ok": True})

    def _post(self, args: dict[str, Any], arrived: float) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        times = self.arrivals[channel]
        times.append(arrived)
        self.total_posts += 1
        waiting = self._waiting.get(channel)
        if waiting is not None and len(times) >= waiting[0]:
            del self._waiting[channel]
            if not waiting[1].done():
                waiting[1].set_result(times)
        return {"ok": True, "channel": channel, "ts": f"1700000000.{next(self._ts):06d}"}


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(json.loads(await request.read() or b"{}"))
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args
