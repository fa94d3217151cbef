"""A fake DingTalk on 127.0.0.1: the OpenAPI, sessionWebhooks and the stream gateway.

It runs inside the test's event loop (the adapter never blocks the loop, so no thread is
needed), records every call, and answers with the shapes CHANNELS.md §3 documents:
``oauth2/accessToken``, ``gateway/connections/open`` (whose endpoint is a WebSocket that pushes
stream frames and records their ACKs), ``robot/oToMessages/batchSend``,
``robot/groupMessages/send``, ``card/instances/createAndDeliver``, ``PUT card/instances`` and
``/robot/sendBySession`` (the sessionWebhooks it hands out).

    fake.fail_next(BATCH_SEND, status=429, retry_after=1)    # then answers normally
    fake.expire_tokens()                                     # the next call gets a 401
    mid = fake.push_message({...}); await fake.wait_for_ack(mid)
    await fake.drop()                                        # the socket closes under us

``sent`` is what people and groups would see, whichever way it went (webhook, OpenAPI, card).

The browser OAuth2 of the console's single sign-on: ``/oauth2/auth`` (login.dingtalk.com:
straight back to ``redirect_uri`` with an ``authCode`` for the person ``at_browser`` names,
bound to the ``client_id`` asked for), ``POST /v1.0/oauth2/userAccessToken`` (400 for a code
unknown, used or of another app), ``GET /v1.0/contact/users/me`` (``unionId``) and the old
API's ``POST /topapi/user/getbyunionid`` (``userid``; 60121 for someone not in the company).

    fake.at_browser["staff"] = "0100000001"      # who is signed in to DingTalk in the browser
    code = fake.auth_code("0100000001", client_id="dingotherapp")   # another app's code
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import yarl
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

WAIT_LIMIT = 20.0  # only a guard against hanging; tests wait for events, not for time
TOKEN_PATH = "/v1.0/oauth2/accessToken"
OPEN_PATH = "/v1.0/gateway/connections/open"
BATCH_SEND = "/v1.0/robot/oToMessages/batchSend"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_INSTANCES = "/v1.0/card/instances"
WEBHOOK_PATH = "/robot/sendBySession"
LOGIN_PATH = "/oauth2/auth"
USER_TOKEN_PATH = "/v1.0/oauth2/userAccessToken"
ME_PATH = "/v1.0/contact/users/me"
BY_UNION_PATH = "/topapi/user/getbyunionid"
BOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
MSG_KEYS = {"sampleText": {"content"}, "sampleMarkdown": {"title", "text"}}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any]
    token: str
    status: int
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status < 400 and self.response.get("errcode") in (None, 0)


@dataclass(frozen=True)
class Sent:
    """A message as its recipient sees it: ``target`` is ``@<staff id>`` or a group id."""

    via: str  # webhook | batchSend | groupSend | card
    target: str
    text: str
    params: dict[str, str] = field(default_factory=dict)
    out_track_id: str = ""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return list(json.loads(self.params.get("buttons") or "[]"))

    def button(self, label: str) -> dict[str, Any]:
        return next(b for b in self.buttons if b["text"] == label)


@dataclass(frozen=True)
class Failure:
    status: int
    code: str
    retry_after: float | None


@dataclass
class FakeDingTalk:
    app_key: str = "dingtestappkey"
    app_secret: str = "test-app-secret"
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    cards: dict[str, dict[str, str]] = field(default_factory=dict)  # outTrackId -> params now
    connections: int = 0
    _tokens: set[str] = field(default_factory=set)
    _tickets: set[str] = field(default_factory=set)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _outgoing: list[dict[str, Any]] = field(default_factory=list)
    _ws: web.WebSocketResponse | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _pending: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    at_browser: dict[str, str] = field(default_factory=dict)  # "staff": who is signed in
    members: set[str] = field(default_factory=lambda: {f"01000000{n:02d}" for n in range(1, 20)}
                              | {"0100009999"})  # staff ids in the company (9999: no esmbot)
    _auth_codes: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    _user_tokens: dict[str, str] = field(default_factory=dict)  # token -> staff id
    _server: TestServer | None = None

    async def start(self) -> FakeDingTalk:
        app = web.Application()
        app.router.add_post(TOKEN_PATH, self._token)
        app.router.add_post(OPEN_PATH, self._open)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_post(BATCH_SEND, self._batch_send)
        app.router.add_post(GROUP_SEND, self._group_send)
        app.router.add_post(CREATE_AND_DELIVER, self._create_and_deliver)
        app.router.add_put(CARD_INSTANCES, self._put_card)
        app.router.add_post(WEBHOOK_PATH, self._webhook)
        app.router.add_get(LOGIN_PATH, self._login)
        app.router.add_post(USER_TOKEN_PATH, self._user_token)
        app.router.add_get(ME_PATH, self._me)
        app.router.add_post(BY_UNION_PATH, self._by_union)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._server is not None:
            await self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    @property
    def webhook_url(self) -> str:
        """Where this fake's sessionWebhooks live (``[dingtalk] session_webhook_url``)."""
        return f"{self.url}{WEBHOOK_PATH}"

    # --- what tests use -------------------------------------------------------------------

    def session_webhook(self, target: str) -> str:
        """The sessionWebhook DingTalk would hand out for ``target``'s conversation."""
        return f"{self.url}{WEBHOOK_PATH}?session={quote(target)}"

    def fail_next(self, path: str, *, status: int = 429, code: str = "Throttling.Api",
                  retry_after: float | None = 1) -> None:
        self._failures.setdefault(path, []).append(Failure(status, code, retry_after))

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (DingTalk answers 401)."""
        self._tokens.clear()

    def calls_to(self, path: str, *, ok: bool | None = True) -> list[Call]:
        return [c for c in self.calls if c.path == path and (ok is None or c.ok == ok)]

    def to(self, target: str) -> list[Sent]:
        return [s for s in self.sent if s.target == target]

    def texts_to(self, target: str) -> list[str]:
        return [s.text for s in self.to(target)]

    def card_with(self, target: str, action_id: str) -> Sent:
        """The latest card delivered to ``target`` with a button doing ``action_id``."""
        return next(s for s in reversed(self.to(target))
                    if any(b["action_id"] == action_id for b in s.buttons))

    def now(self, card: Sent) -> Sent:
        """``card`` as it reads now, after any PUT updates."""
        params = self.cards.get(card.out_track_id, card.params)
        return Sent(card.via, card.target, _card_text(params), params, card.out_track_id)

    def updates_of(self, card: Sent) -> list[Call]:
        return [c for c in self.calls_to(CARD_INSTANCES)
                if c.method == "PUT" and c.body.get("outTrackId") == card.out_track_id]

    async def wait_for(self, path: str, count: int = 1, *, ok: bool | None = True
                       ) -> list[Call]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: len(self.calls_to(path, ok=ok)) >= count), WAIT_LIMIT)
        return self.calls_to(path, ok=ok)

    def auth_code(self, staff: str, *, client_id: str | None = None) -> str:
        """A fresh browser-login ``authCode`` for ``staff``, issued to ``client_id`` (ours)."""
        code = f"auth-{next(self._ids)}"
        self._auth_codes[code] = (staff, client_id or self.app_key, False)
        return code

    # --- the stream gateway -----------------------------------------------------------------

    def push(self, frame_type: str, topic: str, data: dict[str, Any] | str) -> str:
        """Queue a frame for the connected client (sent as soon as one is connected)."""
        message_id = f"msg-frame-{next(self._ids)}"
        self._outgoing.append({
            "specVersion": "1.0", "type": frame_type,
            "headers": {"topic": topic, "messageId": message_id, "contentType": "application/json",
                        "time": "1700000000000", "appId": "app-1"},
            "data": data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)})
        self._pending.set()
        return message_id

    def push_message(self, data: dict[str, Any]) -> str:
        return self.push("CALLBACK", BOT_TOPIC, data)

    def push_card_callback(self, data: dict[str, Any]) -> str:
        return self.push("CALLBACK", CARD_TOPIC, data)

    async def wait_for_ack(self, message_id: str) -> dict[str, Any]:
        def acked() -> bool:
            return any(a.get("headers", {}).get("messageId") == message_id for a in self.acks)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(acked), WAIT_LIMIT)
        return next(a for a in self.acks if a["headers"]["messageId"] == message_id)

    async def wait_for_connections(self, count: int) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: self.connections >= count and self._ws is not None), WAIT_LIMIT)

    async def drop(self) -> None:
        """Close the client's WebSocket from the gateway's side."""
        ws = self._ws
        assert ws is not None, "no client connected"
        self._ws = None
        await ws.close()

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        failures = self._failures.get(OPEN_PATH)
        if failures:
            failure = failures.pop(0)
            return await self._answer(request, body, failure.status,
                                      {"code": failure.code, "message": "fake failure"})
        if (body.get("clientId"), body.get("clientSecret")) != (self.app_key, self.app_secret):
            return await self._answer(request, body, 401, {"code": "InvalidClient",
                                                           "message": "bad clientId/secret"})
        ticket = f"TICKET-{next(self._ids)}"
        self._tickets.add(ticket)
        endpoint = self.url.replace("http://", "ws://") + "/gateway"
        return await self._answer(request, body, 200, {"endpoint": endpoint, "ticket": ticket})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            return web.Response(status=403, text="bad ticket")
        self._tickets.discard(request.query["ticket"])
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async with self._changed:
            self._ws = ws
            self.connections += 1
            self._changed.notify_all()
        pusher = asyncio.create_task(self._push_frames(ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    async with self._changed:
                        self.acks.append(json.loads(message.data))
                        self._changed.notify_all()
        finally:
            pusher.cancel()
            if self._ws is ws:
                self._ws = None
        return ws

    async def _push_frames(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            if not self._outgoing:
                self._pending.clear()
                await self._pending.wait()
                continue
            await ws.send_str(json.dumps(self._outgoing[0], ensure_ascii=False))
            self._outgoing.pop(0)

    # --- browser sign-in (OAuth2) -----------------------------------------------------------

    async def _login(self, request: web.Request) -> web.Response:
        """login.dingtalk.com after the person agreed: back with an authCode and the state."""
        query = request.query
        if query.get("client_id") != self.app_key:
            return web.Response(status=400, text="invalid client_id")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", ""):
            return web.Response(status=400, text="response_type=code&scope=openid")
        code = self.auth_code(self.at_browser.get("staff", ""))
        back = yarl.URL(query["redirect_uri"]).update_query(authCode=code, state=query["state"])
        raise web.HTTPFound(str(back))

    async def _user_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("clientId"), body.get("clientSecret")) != (self.app_key, self.app_secret):
            return await self._answer(request, body, 400, {"code": "invalidClientIdOrSecret",
                                                           "message": "bad clientId/secret"})
        staff, client_id, used = self._auth_codes.get(str(body.get("code")), ("", "", True))
        if used or client_id != body.get("clientId") or \
                body.get("grantType") != "authorization_code":
            return await self._answer(request, body, 400, {"code": "invalidAuthCode",
                                                           "message": "authCode is invalid"})
        self._auth_codes[str(body["code"])] = (staff, client_id, True)
        token = f"user-token-{next(self._ids)}"
        self._user_tokens[token] = staff
        return await self._answer(request, body, 200, {
            "accessToken": token, "refreshToken": f"refresh-{token}", "expireIn": 7200})

    async def _me(self, request: web.Request) -> web.Response:
        token = request.headers.get("x-acs-dingtalk-access-token", "")
        staff = self._user_tokens.get(token)
        if staff is None:
            return await self._answer(request, {}, 401, {"code": "InvalidAuthentication",
                                                         "message": "bad access token"}, token)
        return await self._answer(request, {}, 200, {
            "nick": staff, "unionId": union_id(staff), "openId": f"open-{staff}",
            "stateCode": "86"}, token)

    async def _by_union(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.query.get("access_token", "")
        if token not in self._tokens:
            return await self._answer(request, body, 200, {"errcode": 40014,
                                                           "errmsg": "invalid access_token"})
        staff = next((s for s in self.members if union_id(s) == body.get("unionid")), None)
        if staff is None:
            return await self._answer(request, body, 200, {"errcode": 60121,
                                                           "errmsg": "user not found"})
        return await self._answer(request, body, 200, {
            "errcode": 0, "errmsg": "ok", "request_id": f"req-{next(self._ids)}",
            "result": {"contact_type": 0, "userid": staff}})

    # --- the OpenAPI ------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("appKey"), body.get("appSecret")) != (self.app_key, self.app_secret):
            return await self._answer(request, body, 400, {"code": "invalidClientIdOrSecret",
                                                           "message": "无效的appKey或appSecret"})
        token = f"token-{next(self._ids)}"
        self._tokens.add(token)
        return await self._answer(request, body, 200, {"accessToken": token, "expireIn": 7200})

    async def _batch_send(self, request: web.Request) -> web.Response:
        return await self._api(request, self._robot_send)

    async def _group_send(self, request: web.Request) -> web.Response:
        return await self._api(request, self._robot_send)

    async def _create_and_deliver(self, request: web.Request) -> web.Response:
        return await self._api(request, self._deliver_card)

    async def _put_card(self, request: web.Request) -> web.Response:
        return await self._api(request, self._update_card)

    async def _api(self, request: web.Request, handler: Any) -> web.Response:
        body = await request.json()
        token = request.headers.get("x-acs-dingtalk-access-token", "")
        if token not in self._tokens:
            return await self._answer(request, body, 401, {
                "code": "InvalidAuthentication", "message": "不合法的access_token"}, token)
        failures = self._failures.get(request.path)
        if failures:
            failure = failures.pop(0)
            headers = {"Retry-After": str(int(failure.retry_after))} \
                if failure.retry_after is not None else {}
            return await self._answer(request, body, failure.status,
                                      {"code": failure.code, "message": "fake failure"},
                                      token, headers)
        status, answer = handler(request.path, body)
        return await self._answer(request, body, status, answer, token)

    def _robot_send(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        param = body.get("msgParam")
        if not isinstance(param, str) or body.get("robotCode") != self.app_key:
            return 400, {"code": "InvalidParameter", "message": "msgParam must be a string"}
        decoded = json.loads(param)
        if body.get("msgKey") not in MSG_KEYS or set(decoded) != MSG_KEYS[body["msgKey"]]:
            return 400, {"code": "InvalidParameter", "message": "msgKey/msgParam mismatch"}
        text = decoded.get("content") or decoded.get("text") or ""
        if path == BATCH_SEND:
            users = body.get("userIds") or []
            for user in users:
                self.sent.append(Sent("batchSend", "@" + user, text))
            return 200, {"processQueryKey": f"pqk-{next(self._ids)}",
                         "invalidStaffIdList": [], "flowControlledStaffIdList": []}
        self.sent.append(Sent("groupSend", str(body.get("openConversationId")), text))
        return 200, {"processQueryKey": f"pqk-{next(self._ids)}"}

    def _deliver_card(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        problem = _card_problem(body)
        if problem:
            return 400, {"code": "InvalidParameter", "message": problem}
        space = str(body["openSpaceId"]).removeprefix("dtv1.card//")
        space_type, _, space_id = space.partition(".")
        target = "@" + space_id if space_type == "IM_ROBOT" else space_id
        params = body["cardData"]["cardParamMap"]
        self.cards[body["outTrackId"]] = params
        self.sent.append(Sent("card", target, _card_text(params), params, body["outTrackId"]))
        return 200, {"success": True, "result": {"outTrackId": body["outTrackId"],
                     "deliverResults": [{"spaceType": space_type, "spaceId": space_id,
                                         "success": True, "carrierId": "c-1"}]}}

    def _update_card(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        out_track_id = str(body.get("outTrackId") or "")
        params = (body.get("cardData") or {}).get("cardParamMap")
        if out_track_id not in self.cards:
            return 400, {"code": "param.outTrackIdNotExist", "message": "card not found"}
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            return 400, {"code": "InvalidParameter", "message": "cardParamMap values: strings"}
        self.cards[out_track_id] = params
        return 200, {"success": True, "result": True}

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        target = request.query.get("session", "")
        failures = self._failures.get(WEBHOOK_PATH)
        if failures:
            failures.pop(0)
            return await self._answer(request, body, 200, {
                "errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        kind = body.get("msgtype")
        if kind == "text":
            text = body["text"]["content"]
        elif kind == "markdown":
            text = body["markdown"]["text"]
        else:
            return await self._answer(request, body, 200, {"errcode": 300001,
                                                           "errmsg": "unsupported msgtype"})
        self.sent.append(Sent("webhook", target, text))
        return await self._answer(request, body, 200, {"errcode": 0, "errmsg": "ok"})

    async def _answer(self, request: web.Request, body: dict[str, Any], status: int,
                      answer: dict[str, Any], token: str = "",
                      headers: dict[str, str] | None = None) -> web.Response:
        async with self._changed:
            self.calls.append(Call(request.method, request.path, body, token, status, answer))
            self._changed.notify_all()
        return web.json_response(answer, status=status, headers=headers)


def union_id(staff: str) -> str:
    """The unionId DingTalk gives the person with staff id ``staff`` (stable, not the id)."""
    return f"union-{staff[::-1]}"


def _card_text(params: dict[str, str]) -> str:
    return "\n".join(p for p in (params.get("title"), params.get("markdown"),
                                 params.get("footer")) if p)


def _card_problem(body: dict[str, Any]) -> str | None:
    params = (body.get("cardData") or {}).get("cardParamMap")
    if not body.get("cardTemplateId") or not body.get("outTrackId"):
        return "cardTemplateId and outTrackId are required"
    if body.get("callbackType") != "STREAM":
        return "callbackType must be STREAM here"
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        return "cardParamMap values must be strings"
    space = str(body.get("openSpaceId") or "")
    if space.startswith("dtv1.card//IM_GROUP."):
        return None if (body.get("imGroupOpenDeliverModel") or {}).get("robotCode") \
            else "imGroupOpenDeliverModel.robotCode is required"
    if space.startswith("dtv1.card//IM_ROBOT."):
        return None if (body.get("imRobotOpenDeliverModel") or {}).get("spaceType") == "IM_ROBOT" \
            else "imRobotOpenDeliverModel.spaceType must be IM_ROBOT"
    return f"unknown openSpaceId {space!r}"
