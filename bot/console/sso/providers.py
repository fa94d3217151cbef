"""What a platform's single sign-on is to the console: an authorize URL to send the browser to,
and a ``code`` turned into the platform's id of the person who signed in (or a refusal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=10)


class SsoRefused(Exception):
    """The platform did not say who this is. ``reason`` is what the page tells the person
    (``platform``: the platform refused the code; ``unreachable``: no answer); ``detail`` is
    for the log only (an error code, never a secret)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Attempt:
    """One sign-in as the callback sees it."""

    code: str
    redirect_uri: str
    nonce: str
    now: datetime


class Provider(Protocol):
    name: str

    def authorize_url(self, *, redirect_uri: str, state: str, nonce: str) -> str: ...

    async def user_id(self, http: aiohttp.ClientSession, attempt: Attempt) -> str: ...


async def read_json(response: aiohttp.ClientResponse, platform: str) -> dict[str, Any]:
    """The JSON object a platform answered (any HTTP status), or a refusal."""
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        raise SsoRefused("unreachable", f"{platform}: HTTP {response.status}, not JSON") from None
    if not isinstance(body, dict):
        raise SsoRefused("unreachable", f"{platform}: HTTP {response.status}, not an object")
    return body


async def get_json(http: aiohttp.ClientSession, platform: str, url: str,
                   **kwargs: Any) -> dict[str, Any]:
    return await request_json(http, "GET", platform, url, **kwargs)


async def post_json(http: aiohttp.ClientSession, platform: str, url: str,
                    **kwargs: Any) -> dict[str, Any]:
    return await request_json(http, "POST", platform, url, **kwargs)


async def request_json(http: aiohttp.ClientSession, method: str, platform: str, url: str,
                       **kwargs: Any) -> dict[str, Any]:
    """The platform's JSON answer to ``method url``, or a refusal when it cannot be reached."""
    try:
        async with http.request(method, url, timeout=TIMEOUT, **kwargs) as response:
            return await read_json(response, platform)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SsoRefused("unreachable", f"{platform}: {type(exc).__name__}") from None
