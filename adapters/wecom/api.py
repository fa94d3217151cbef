"""The qyapi HTTP API over aiohttp: the access token cached and renewed, errors mapped.

``POST {base}/cgi-bin/<path>?access_token=...`` with a JSON body; the token comes from
``GET {base}/cgi-bin/gettoken?corpid=...&corpsecret=...`` and is kept until shortly before its
``expires_in`` (``adapters.kit.tokens``). A call answered 40014 (invalid token) or 42001
(expired) fetches a new token and is made once more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from adapters.kit.errors import transport_error
from adapters.kit.tokens import TokenCache
from adapters.wecom import errors
from adapters.wecom.errors import ApiError

log = logging.getLogger("esmbot.wecom")
TIMEOUT_SECONDS = 10.0

Json = dict[str, Any]


class WeComApi:
    def __init__(self, base_url: str, corp_id: str, secret: str, *,
                 throttled_retry_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = base_url.rstrip("/")
        self.corp_id = corp_id
        self._secret = secret
        self.throttled_retry_seconds = throttled_retry_seconds
        self._session: aiohttp.ClientSession | None = None
        self.tokens = TokenCache(self._fetch_token, clock=clock)

    def __repr__(self) -> str:  # never the secret or the token
        return f"WeComApi({self.base_url!r}, corp_id={self.corp_id!r})"

    async def open(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, path: str, payload: Json) -> Json:
        """POST ``payload`` to ``cgi-bin/<path>``; the answer when ``errcode`` is 0."""
        token = await self.access_token()
        answer = await self._post(path, token, payload)
        if _errcode(answer) in errors.TOKEN_REFUSED:
            log.info("wecom %s: token refused (errcode %s); fetching a new one", path,
                     _errcode(answer))
            self.tokens.forget(token)
            answer = await self._post(path, await self.access_token(), payload)
        return self._checked(path, answer)

    async def access_token(self) -> str:
        return await self.tokens.get()

    async def _fetch_token(self) -> tuple[str, float]:
        params = {"corpid": self.corp_id, "corpsecret": self._secret}
        answer = await self._request("GET", "gettoken", params=params)
        self._checked("gettoken", answer)
        token = str(answer.get("access_token") or "")
        if not token:
            raise ApiError("gettoken", -1, "no access_token in the answer")
        return token, float(answer.get("expires_in") or 7200)

    async def _post(self, path: str, token: str, payload: Json) -> Json:
        return await self._request("POST", path, params={"access_token": token}, json=payload)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Json:
        if self._session is None:
            await self.open()
        assert self._session is not None
        url = f"{self.base_url}/cgi-bin/{path}"
        try:
            async with self._session.request(method, url, **kwargs) as response:
                if response.status != 200:
                    raise _transport_error(RuntimeError(f"HTTP {response.status}"), path)
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            raise _transport_error(exc, path) from None
        if not isinstance(answer, dict):
            raise _transport_error(ValueError("not a JSON object"), path)
        return answer

    def _checked(self, path: str, answer: Json) -> Json:
        code = _errcode(answer)
        if code == 0:
            return answer
        error = errors.from_answer(path, code, str(answer.get("errmsg") or ""),
                                   throttled_retry=self.throttled_retry_seconds)
        level = logging.ERROR if error.permanent or code == errors.UNTRUSTED_IP \
            else logging.WARNING
        log.log(level, "%s", error)
        raise error


def _transport_error(exc: BaseException, path: str) -> Exception:
    """The text never carries the access token or the secret (they travel in the query)."""
    return transport_error("wecom", path, exc, scrub=errors.scrub)


def _errcode(answer: Json) -> int:
    try:
        return int(answer.get("errcode") or 0)
    except (TypeError, ValueError):
        return -1
