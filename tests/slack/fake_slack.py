"""A fake Slack Web API (and Socket Mode link) on 127.0.0.1, for offline tests.

Like the mock servers in bolt-python and python-slack-sdk it records every call, but it runs on
a free port inside the test's event loop and answers the methods esmbot uses with the shapes
Slack documents: ``auth.test``, ``conversations.open``, ``chat.postMessage``, ``chat.update``,
``conversations.history`` and ``conversations.replies`` (newest first, after ``oldest``, with
each message's ``metadata`` when ``include_all_metadata``), ``views.open``,
``users.lookupByEmail``, ``users.info`` and ``apps.connections.open`` (whose ``url`` leads to a
WebSocket that pushes Socket Mode envelopes and records their acks). A message's ``ts`` is the
time it arrived (seconds since the epoch), made unique by a counter in its fraction.

    fake.fail_next("chat.postMessage", status=429, retry_after=1)   # then answers normally
    await fake.wait_for("chat.postMessage", count=2)                # no sleeping

``fake.openid`` is "Sign in with Slack" (tests/slack/fake_openid.py) on the same server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from tests.slack.fake_openid import FakeSlackOpenID

WAIT_LIMIT = 20.0  # only a guard against hanging; tests wait for events, not for time


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def ts(self) -> str:
        """The message this call posted or edited."""
        return str(self.response.get("ts") or self.args.get("ts") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [e for block in self.args.get("blocks") or [] if block["type"] == "actions"
                for e in block["elements"]]

    def button(self, label: str) -> dict[str, Any]:
        return next(b for b in self.buttons if b["text"]["text"] == label)


@dataclass(frozen=True)
class Failure:
    status: int
    error: str
    retry_after: float | None


@dataclass
class FakeSlack:
    bot_token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"
    bot_user_id: str = "U0ESMBOT"
    team_id: str = "T0DEMO"
    emails: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    openid: FakeSlackOpenID = field(default_factory=FakeSlackOpenID)
    _server: TestServer | None = None

    async def start(self) -> FakeSlack:
        app = web.Application()
        self.openid.mount(app)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    @property
    def api_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/api/"))

    # --- what tests use -------------------------------------------------------------------

    def fail_next(self, method: str, *, status: int = 429, error: str = "ratelimited",
                  retry_after: float | None = 1) -> None:
        """Answer the next ``method`` call with this failure (429 carries ``Retry-After``)."""
        self._failures.setdefault(method, []).append(Failure(status, error, retry_after))

    def calls_to(self, method: str, *, ok: bool | None = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def posts_to(self, channel: str) -> list[Call]:
        return [c for c in self.calls_to("chat.postMessage") if c.args.get("channel") == channel]

    def updates_of(self, post: Call) -> list[Call]:
        """The ``chat.update`` calls that edited the message ``post`` sent."""
        return [c for c in self.calls_to("chat.update")
                if (c.args.get("channel"), c.args.get("ts")) == (post.args["channel"], post.ts)]

    def texts_to(self, channel: str) -> list[str]:
        return [str(c.args.get("text") or "") for c in self.posts_to(channel)]

    async def wait_for(self, method: str, count: int = 1, *, ok: bool | None = True
                       ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` have arrived; returns them."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.calls_to(method, ok=ok)) >= count),
                WAIT_LIMIT)
        return self.calls_to(method, ok=ok)

    async def push(self, envelope_type: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Send a Socket Mode envelope to the connected client."""
        await self._envelopes.put({"envelope_id": envelope_id, "type": envelope_type,
                                   "payload": payload, "accepts_response_payload": False})

    async def wait_for_ack(self, envelope_id: str) -> dict[str, Any]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: any(a.get("envelope_id") == envelope_id for a in self.acks)), WAIT_LIMIT)
        return next(a for a in self.acks if a.get("envelope_id") == envelope_id)

    # --- the Web API ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return await self._answer(method, args, 200, {"ok": False, "error": "invalid_auth"})
        failures = self._failures.get(method)
        if failures:
            return await self._fail(method, args, failures.pop(0))
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {"ok": True}
        return await self._answer(method, args, 200, body)

    async def _fail(self, method: str, args: dict[str, Any], failure: Failure) -> web.Response:
        headers = {"Retry-After": str(int(failure.retry_after))} \
            if failure.retry_after is not None else {}
        return await self._answer(method, args, failure.status,
                                  {"ok": False, "error": failure.error}, headers)

    async def _answer(self, method: str, args: dict[str, Any], status: int,
                      body: dict[str, Any], headers: dict[str, str] | None = None
                      ) -> web.Response:
        async with self._changed:
            self.calls.append(Call(method, args, status, body))
            self._changed.notify_all()
        return web.json_response(body, status=status, headers=headers)

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://demo.slack.com/", "team": "Demo",
                "user": "esmbot", "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": "B0ESMBOT", "is_enterprise_install": False}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users or "," in users:
            return {"ok": False, "error": "users_not_found" if not users else "not_implemented"}
        return {"ok": True, "channel": {"id": "D" + users.removeprefix("U")}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = block_kit_problem(args)
        if problem:
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        message = {"type": "message", "text": args.get("text"), "ts": ts,
                   "blocks": args.get("blocks") or [], "bot_id": "B0ESMBOT",
                   "user": self.bot_user_id}
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        self._messages[(str(args.get("channel")), ts)] = message
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """A conversation's top-level messages (no thread replies), newest first."""
        return self._history(args, lambda m: "thread_ts" not in m)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread's replies (and its parent, when we posted it), newest first."""
        parent = str(args.get("ts") or "")
        return self._history(args, lambda m: m.get("thread_ts", m["ts"]) == parent)

    def _history(self, args: dict[str, Any], belongs: Callable[[dict[str, Any]], bool]
                 ) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        found = sorted((m for (c, ts), m in self._messages.items()
                        if c == channel and float(ts) > oldest and belongs(m)),
                       key=lambda m: float(m["ts"]), reverse=True)
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                 for m in found[:limit]]
        return {"ok": True, "messages": shown, "has_more": len(found) > limit,
                "response_metadata": {"next_cursor": ""}}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if key not in self._messages:
            return {"ok": False, "error": "message_not_found"}
        problem = block_kit_problem(args)
        if problem:
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        self._messages[key].update(text=args.get("text"), blocks=args.get("blocks") or [])
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": {"id": f"V{next(self._ts):04d}", **(args.get("view") or {})}}

    def _users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.emails.get(str(args.get("email") or "").lower())
        if user is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": {"id": user, "team_id": self.team_id}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every ``U...`` id is a person; the ones in ``emails`` have that address."""
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        profile = {"real_name": user.lower(), "display_name": user.lower()}
        profile.update(("email", email) for email, uid in self.emails.items() if uid == user)
        return {"ok": True, "user": {"id": user, "team_id": self.team_id, "name": user.lower(),
                                     "deleted": False, "is_bot": False, "profile": profile}}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        assert self._server is not None
        url = str(self._server.make_url("/link")).replace("http://", "ws://")
        return {"ok": True, "url": url + "?ticket=t"}

    # --- Socket Mode ----------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0ESMBOT"}})
        pusher = asyncio.create_task(self._push_envelopes(ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._record_ack(json.loads(message.data))
        finally:
            pusher.cancel()
        return ws

    async def _push_envelopes(self, ws: web.WebSocketResponse) -> None:
        while True:
            await ws.send_json(await self._envelopes.get())

    async def _record_ack(self, ack: dict[str, Any]) -> None:
        async with self._changed:
            self.acks.append(ack)
            self._changed.notify_all()


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for name in ("blocks", "view", "metadata"):  # form-encoded calls send these as JSON
        if isinstance(args.get(name), str):
            args[name] = json.loads(args[name])
    return args


def block_kit_problem(args: dict[str, Any]) -> str | None:
    """The Block Kit limits Slack enforces that a renderer is most likely to break."""
    blocks = args.get("blocks") or []
    if not args.get("text") and not blocks:
        return "no_text"
    if len(blocks) > 50:
        return "more than 50 blocks"
    for block in blocks:
        problem = _block_problem(block)
        if problem:
            return problem
    return None


def _block_problem(block: dict[str, Any]) -> str | None:
    if block.get("type") == "section":
        if len(block.get("fields") or []) > 10:
            return "more than 10 fields in a section"
        if len((block.get("text") or {}).get("text", "")) > 3000:
            return "section text over 3000"
        if any(len(f.get("text", "")) > 2000 for f in block.get("fields") or []):
            return "field text over 2000"
    if block.get("type") == "actions":
        elements = block.get("elements") or []
        if len(elements) > 25:
            return "more than 25 elements in actions"
        ids = [e.get("action_id") for e in elements]
        if len(set(ids)) != len(ids):
            return "duplicate action_id in a block"
        for element in elements:
            if len(element["text"]["text"]) > 75 or len(element.get("action_id", "")) > 255:
                return "button text over 75 or action_id over 255"
    return None
