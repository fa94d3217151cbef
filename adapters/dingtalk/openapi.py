"""The DingTalk OpenAPI (``api.dingtalk.com``) over aiohttp, with the access token handled.

The token (``POST /v1.0/oauth2/accessToken`` with appKey/appSecret) is cached until five
minutes before ``expireIn`` runs out, fetched by one caller at a time
(``adapters.kit.tokens``), and fetched anew when a call answers 401 /
``InvalidAuthentication`` (that call is then made once more). Failures come
out as ``ChannelError`` (see ``errors``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from adapters.dingtalk import errors
from adapters.kit.errors import transport_error
from adapters.kit.tokens import TokenCache

TOKEN_PATH = "/v1.0/oauth2/accessToken"
TOKEN_HEADER = "x-acs-dingtalk-access-token"


class OpenApi:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, app_key: str,
                 app_secret: str, *, now: Callable[[], float] = time.time) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self._app_secret = app_secret
        self.tokens = TokenCache(self._fetch_token, clock=now)

    async def call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """``method`` ``path`` with a JSON ``body`` and the access token; the answer's JSON."""
        token = await self.access_token()
        status, answer, headers = await self._request(method, path, body, token)
        if errors.is_bad_token(status, answer):
            self.tokens.forget(token)
            status, answer, headers = await self._request(method, path, body,
                                                          await self.access_token())
        if status >= 400:
            raise errors.from_response(path, status, answer, headers)
        return answer

    async def post_url(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to a full URL without the token (a sessionWebhook); errcode != 0 fails."""
        status, answer, headers = await self._send("POST", url, body, {}, "sessionWebhook")
        if status >= 400 or answer.get("errcode") not in (None, 0, "0"):
            raise errors.from_response("sessionWebhook", status, answer, headers)
        return answer

    async def access_token(self) -> str:
        return await self.tokens.get()

    async def _fetch_token(self) -> tuple[str, float]:
        body = {"appKey": self.app_key, "appSecret": self._app_secret}
        status, answer, headers = await self._send("POST", self.base_url + TOKEN_PATH,
                                                   body, {}, TOKEN_PATH)
        token = str(answer.get("accessToken") or "")
        if status >= 400 or not token:
            error = errors.from_response(TOKEN_PATH, status, answer, headers)
            # wrong app_key/app_secret: no retry helps (throttling is not that)
            error.permanent = 400 <= status < 500 and error.retry_after is None \
                and not errors.is_throttled(status, answer)
            raise error
        return token, float(answer.get("expireIn") or 7200)

    async def _request(self, method: str, path: str, body: dict[str, Any], token: str
                       ) -> tuple[int, dict[str, Any], dict[str, str]]:
        return await self._send(method, self.base_url + path, body, {TOKEN_HEADER: token}, path)

    async def _send(self, method: str, url: str, body: dict[str, Any], headers: dict[str, str],
                    what: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        try:
            async with self.session.request(method, url, json=body, headers=headers) as response:
                text = await response.text()
                return response.status, _json_object(text), dict(response.headers)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise transport_error("dingtalk", what, exc) from exc


def _json_object(text: str) -> dict[str, Any]:
    try:
        decoded = json.loads(text) if text else {}
    except ValueError:
        return {"message": text[:200]}
    return decoded if isinstance(decoded, dict) else {}

