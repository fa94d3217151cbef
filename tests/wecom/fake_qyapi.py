"""A fake WeCom API (qyapi) on 127.0.0.1, for offline tests.

It records every call and answers the ones esmbot makes with the shapes WeCom documents
(CHANNELS.md §2.5-2.6): ``gettoken``, ``message/send`` (a ``template_card`` gets a single-use
``response_code``), ``message/update_template_card`` (spends one), ``appchat/send``. It checks
what WeCom checks and a renderer is most likely to break (at most 6 buttons, unique keys and
task ids, 2,048 bytes of text...), answering ``errcode`` 40058 as WeCom answers a bad parameter.

    fake.fail_next("message/send", 45009)        # the next send is refused once, then normal
    fake.expire_token()                          # the tokens handed out so far answer 42001
    code = fake.click_code(task_id)              # the ResponseCode a click callback carries
    await fake.wait_for("message/send", count=2) # no sleeping

OAuth2 网页授权 for the console's single sign-on: ``/connect/oauth2/authorize`` (the page
open.weixin.qq.com shows; it redirects back at once with a ``code`` for the member
``at_browser`` is set to, bound to the ``agentid`` asked for) and ``GET
/cgi-bin/auth/getuserinfo`` (``userid``; 40029 for a code unknown, used, or of another app).

    fake.at_browser = "wangxiaoli"               # who is signed in to WeCom in the browser
    code = fake.oauth_code("wangxiaoli", agent_id=1000099)   # a code another app was given
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import web
from aiohttp.test_utils import TestServer

WAIT_LIMIT = 20.0  # only a guard against hanging; tests wait for events, not for time
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
ERRMSG = {40001: "invalid credential", 40013: "invalid corpid", 40014: "invalid access_token",
          40029: "invalid code", 42001: "access_token expired", 45009: "api freq out of limit",
          40058: "invalid parameter", 86003: "chat not found", 60020: "not allow to access"}


@dataclass(frozen=True)
class Call:
    path: str
    args: dict[str, Any]
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.response.get("errcode") == 0

    @property
    def to(self) -> str:
        return str(self.args.get("touser") or self.args.get("chatid") or "")

    @property
    def card(self) -> dict[str, Any]:
        return dict(self.args.get("template_card") or {})

    @property
    def task_id(self) -> str:
        return str(self.card.get("task_id") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return list(self.card.get("button_list") or [])

    def button(self, label: str) -> dict[str, Any]:
        return next(b for b in self.buttons if b["text"] == label)

    @property
    def text(self) -> str:
        """Everything the message shows, as one string."""
        if self.card:
            return card_text(self.card)
        kind = str(self.args.get("msgtype") or "")
        return str((self.args.get(kind) or {}).get("content") or "")


def card_text(card: dict[str, Any]) -> str:
    title = card.get("main_title") or {}
    parts = [title.get("title", ""), title.get("desc", ""), card.get("sub_title_text", "")]
    parts += [f"{h['keyname']}：{h['value']}" for h in card.get("horizontal_content_list") or []]
    parts += [b["text"] for b in card.get("button_list") or []]
    parts.append(card.get("replace_text", ""))
    return "\n".join(p for p in parts if p)


@dataclass
class FakeQyapi:
    corp_id: str = "ww0esmbotdemo"
    secret: str = "test-secret"
    agent_id: int = 1000002
    chats: set[str] = field(default_factory=lambda: {"wr-it-desk"})
    calls: list[Call] = field(default_factory=list)
    _tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    _codes: dict[str, tuple[str, bool]] = field(default_factory=dict)  # code -> (task, used)
    _task_ids: set[str] = field(default_factory=set)
    _cards: dict[str, dict[str, Any]] = field(default_factory=dict)  # task_id -> as shown now
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    at_browser: str = ""  # the member signed in to WeCom where the browser runs
    _oauth_codes: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    _server: TestServer | None = None

    async def start(self) -> FakeQyapi:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_get("/connect/oauth2/authorize", self._oauth_authorize)
        app.router.add_get("/cgi-bin/auth/getuserinfo", self._getuserinfo)
        app.router.add_post("/cgi-bin/{path:.+}", self._api)
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

    # --- what tests use -------------------------------------------------------------------

    def fail_next(self, path: str, errcode: int) -> None:
        """Answer the next call to ``path`` with ``errcode`` (then answer normally)."""
        self._failures.setdefault(path, []).append(errcode)

    def expire_token(self) -> None:
        """Every token handed out so far is now expired (42001)."""
        self._tokens = dict.fromkeys(self._tokens, False)

    def click_code(self, task_id: str) -> str:
        """The fresh ``ResponseCode`` WeCom puts in the callback of a click on ``task_id``."""
        return self._new_code(task_id)

    def calls_to(self, path: str, *, ok: bool | None = True) -> list[Call]:
        return [c for c in self.calls if c.path == path and (ok is None or c.ok == ok)]

    def sends_to(self, to: str) -> list[Call]:
        """``message/send`` to member ``to``, or ``appchat/send`` to chat ``to``."""
        path = "appchat/send" if to in self.chats else "message/send"
        return [c for c in self.calls_to(path) if c.to == to]

    def texts_to(self, to: str) -> list[str]:
        return [c.text for c in self.sends_to(to)]

    def updates_of(self, card: Call) -> list[Call]:
        """The successful ``update_template_card`` calls that changed ``card``."""
        return [c for c in self.calls_to("message/update_template_card")
                if self._codes.get(str(c.args.get("response_code")), ("", False))[0]
                == card.task_id]

    def card_now(self, card: Call) -> Call:
        """``card`` as its recipient sees it now (after the updates), with its task id."""
        shown = {**self._cards.get(card.task_id, card.card), "task_id": card.task_id}
        return Call(card.path, {**card.args, "template_card": shown}, card.response)

    async def wait_for(self, path: str, count: int = 1, *, ok: bool | None = True
                       ) -> list[Call]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.calls_to(path, ok=ok)) >= count),
                WAIT_LIMIT)
        return self.calls_to(path, ok=ok)

    def oauth_code(self, userid: str, *, agent_id: int | None = None) -> str:
        """A fresh 网页授权 code for ``userid``, issued to the app ``agent_id`` (ours)."""
        code = f"oauth-{next(self._ids)}"
        self._oauth_codes[code] = (userid, self.agent_id if agent_id is None else agent_id,
                                   False)
        return code

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/connect/oauth2/authorize"

    # --- the API --------------------------------------------------------------------------

    async def _oauth_authorize(self, request: web.Request) -> web.Response:
        """What open.weixin.qq.com does inside WeCom with ``snsapi_base``: no question asked,
        straight back to ``redirect_uri`` with a code and the state."""
        query = request.query
        if query.get("appid") != self.corp_id or not query.get("agentid", "").isdigit():
            return web.Response(status=400, text="appid or agentid wrong (40013)")
        if query.get("response_type") != "code" or query.get("scope") != "snsapi_base":
            return web.Response(status=400, text="response_type=code&scope=snsapi_base")
        code = self.oauth_code(self.at_browser, agent_id=int(query["agentid"]))
        back = yarl.URL(query["redirect_uri"]).update_query(code=code, state=query["state"])
        raise web.HTTPFound(str(back))

    async def _getuserinfo(self, request: web.Request) -> web.Response:
        args = dict(request.query)
        shown = {"code": args.get("code", "")}
        if not self._tokens.get(args.get("access_token", "")):
            return await self._answer("auth/getuserinfo", shown, _error(40014))
        userid, agent_id, used = self._oauth_codes.get(args.get("code", ""), ("", 0, True))
        if used or agent_id != self.agent_id:
            return await self._answer("auth/getuserinfo", shown, _error(40029))
        self._oauth_codes[args["code"]] = (userid, agent_id, True)
        return await self._answer("auth/getuserinfo", shown, {
            "errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": ""})

    async def _gettoken(self, request: web.Request) -> web.Response:
        args = dict(request.query)
        failures = self._failures.get("gettoken")
        if failures:  # e.g. 60020: this server's IP is not among the app's trusted IPs
            return await self._answer("gettoken", {"corpid": args.get("corpid")},
                                      _error(failures.pop(0)))
        if args.get("corpid") != self.corp_id:
            return await self._answer("gettoken", args, _error(40013))
        if args.get("corpsecret") != self.secret:
            return await self._answer("gettoken", args, _error(40001))
        token = f"tok-{next(self._ids)}"
        self._tokens[token] = True
        return await self._answer("gettoken", {"corpid": args["corpid"]},
                                  {"errcode": 0, "errmsg": "ok", "access_token": token,
                                   "expires_in": 7200})

    async def _api(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        args = await request.json()
        valid = self._tokens.get(request.query.get("access_token", ""))
        if valid is None:
            return await self._answer(path, args, _error(40014))
        if not valid:
            return await self._answer(path, args, _error(42001))
        failures = self._failures.get(path)
        if failures:
            return await self._answer(path, args, _error(failures.pop(0)))
        handler = getattr(self, "_" + path.replace("/", "_"), None)
        answer = handler(args) if handler else _error(48002)
        return await self._answer(path, args, answer)

    def _message_send(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("agentid") != self.agent_id:
            return _error(40056)
        problem = message_problem(args)
        if problem:
            return {**_error(40058), "errmsg": f"invalid parameter: {problem}"}
        answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "",
                  "msgid": f"msg-{next(self._ids)}"}
        if args.get("msgtype") == "template_card":
            task_id = str(args["template_card"]["task_id"])
            if task_id in self._task_ids:
                return {**_error(42014), "errmsg": "taskid has existed"}
            self._task_ids.add(task_id)
            self._cards[task_id] = dict(args["template_card"])
            answer["response_code"] = self._new_code(task_id)
        return answer

    def _message_update_template_card(self, args: dict[str, Any]) -> dict[str, Any]:
        task_id, used = self._codes.get(str(args.get("response_code")), ("", True))
        if used or args.get("agentid") != self.agent_id:
            return {**_error(40058), "errmsg": "invalid response_code"}
        card = args.get("template_card")
        if card is not None:
            problem = card_problem(card, needs_task_id=False)
            if problem:
                return {**_error(40058), "errmsg": f"invalid parameter: {problem}"}
            self._cards[task_id] = dict(card)
        self._codes[str(args["response_code"])] = (task_id, True)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": []}

    def _appchat_send(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("chatid") not in self.chats:
            return _error(86003)
        if args.get("msgtype") not in ("text", "markdown"):
            return {**_error(40058), "errmsg": "appchat cannot send this msgtype"}
        problem = message_problem(args)
        return {**_error(40058), "errmsg": problem} if problem else {"errcode": 0, "errmsg": "ok"}

    def _new_code(self, task_id: str) -> str:
        code = f"code-{task_id}-{next(self._ids)}"
        self._codes[code] = (task_id, False)
        return code

    async def _answer(self, path: str, args: dict[str, Any], answer: dict[str, Any]
                      ) -> web.Response:
        async with self._changed:
            self.calls.append(Call(path, json.loads(json.dumps(args)), answer))
            self._changed.notify_all()
        return web.json_response(answer)


def _error(errcode: int) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")}


def message_problem(args: dict[str, Any]) -> str | None:
    kind = args.get("msgtype")
    if kind in ("text", "markdown"):
        content = str((args.get(kind) or {}).get("content") or "")
        if not content:
            return "empty content"
        return "content over 2048 bytes" if len(content.encode()) > 2048 else None
    if kind == "template_card":
        return card_problem(args.get("template_card") or {}, needs_task_id=True)
    return f"unknown msgtype {kind!r}"


def card_problem(card: dict[str, Any], *, needs_task_id: bool) -> str | None:
    """What WeCom refuses in a ``button_interaction`` card."""
    if card.get("card_type") != "button_interaction":
        return "card_type"
    if not (card.get("main_title") or {}).get("title"):
        return "main_title.title missing"
    if needs_task_id and not TASK_ID.match(str(card.get("task_id") or "")):
        return "task_id"
    buttons = card.get("button_list") or []
    if len(buttons) > 6:
        return "more than 6 buttons"
    if not buttons and not card.get("replace_text"):
        return "no buttons and no replace_text"
    keys = [b.get("key") for b in buttons]
    if len(set(keys)) != len(keys) or any(not k or len(k.encode()) > 1024 for k in keys):
        return "button keys must be unique, 1-1024 bytes"
    if len(card.get("horizontal_content_list") or []) > 6:
        return "more than 6 horizontal_content_list items"
    return None
