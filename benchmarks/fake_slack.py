"""A minimal fake Slack Web API on loopback that notes when each message arrives.

It answers ``auth.test``, ``conversations.open``, ``chat.postMessage``, ``chat.update``,
``conversations.history`` (with each message's ``metadata``) and ``users.info`` with the shapes
Slack documents, and keeps, per channel, the arrival time (``time.perf_counter``) of every
``chat.postMessage``, and the outbox tag its metadata carried. The load generator lives in the
same process, so ``expect(channel, n)`` resolves with those times when the n-th message is in,
and ``expect_distinct(channel, n)`` when the n-th distinct tag is (a resent duplicate does not
count). While ``down`` it answers every call with HTTP 500 or 503, as in an outage.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-bench-token"
BOT_USER_ID = "U0ESMBOT"
TEAM_ID = "T0BENCH"


@dataclass(frozen=True)
class Post:
    channel: str
    tag: str  # the outbox tag in the message's metadata ("" without)
    ts: str
    arrived: float  # time.perf_counter()


class FakeSlack:
    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.calls: dict[str, int] = defaultdict(int)
        self.total_posts = 0
        self.posts: list[Post] = []
        self.tags: dict[str, set[str]] = defaultdict(set)  # per channel
        self.down = False
        self.refused = 0
        self.history = True  # False: conversations.history answers missing_scope
        self._messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._waiting: dict[str, tuple[int, asyncio.Future[list[float]]]] = {}
        self._waiting_distinct: dict[str, tuple[int, asyncio.Future[None]]] = {}
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
        self._waiting_distinct.pop(channel, None)

    def expect_distinct(self, channel: str, count: int) -> asyncio.Future[None]:
        """Resolves once ``channel`` has messages with ``count`` distinct tags."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if len(self.tags[channel]) >= count:
            future.set_result(None)
        else:
            self._waiting_distinct[channel] = (count, future)
        return future

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
        if self.down:
            self.refused += 1
            status = 503 if self.refused % 2 else 500
            return web.json_response({"ok": False, "error": "service_unavailable"},
                                     status=status)
        if method == "conversations.history":
            if not self.history:
                return web.json_response({"ok": False, "error": "missing_scope"})
            return web.json_response(self._history(args))
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
        ts = f"{int(time.time())}.{next(self._ts):06d}"  # Slack's ts is its wall clock
        metadata = _json_arg(args.get("metadata"))
        tag = str((metadata.get("event_payload") or {}).get("tag") or "") if metadata else ""
        self.posts.append(Post(channel, tag, ts, arrived))
        self._messages[channel].append({"type": "message", "ts": ts, "text": args.get("text"),
                                        "metadata": metadata})
        self._note_tag(channel, tag or ts)
        return {"ok": True, "channel": channel, "ts": ts}

    def _note_tag(self, channel: str, tag: str) -> None:
        tags = self.tags[channel]
        tags.add(tag)
        waiting = self._waiting_distinct.get(channel)
        if waiting is not None and len(tags) >= waiting[0]:
            del self._waiting_distinct[channel]
            if not waiting[1].done():
                waiting[1].set_result(None)

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, after ``oldest``; metadata only with ``include_all_metadata``."""
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        found = [m for m in reversed(self._messages[str(args.get("channel") or "")])
                 if float(m["ts"]) > oldest][:limit]
        return {"ok": True, "has_more": False, "response_metadata": {"next_cursor": ""},
                "messages": [m if metadata else {**m, "metadata": None} for m in found]}


def _json_arg(value: Any) -> dict[str, Any] | None:
    """An argument sent as JSON (a form-encoded call) or as an object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(json.loads(await request.read() or b"{}"))
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args
