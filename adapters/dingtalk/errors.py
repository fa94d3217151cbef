"""DingTalk OpenAPI failures -> ``ChannelError`` the outbox understands (retry, wait, give up).

DingTalk answers errors as ``{"code": "...", "message": "...", "requestid": "..."}`` with an
HTTP status. Throttling shows as 429 or as a ``QpsLimit``/``Throttling`` code (with any
status); an expired or revoked token as 401 / ``InvalidAuthentication`` (the client refreshes
the token and tries once more before it gets here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.kit.errors import retry_after
from chat.channel import ChannelError

THROTTLING_MARKERS = ("qpslimit", "throttling", "ratelimit", "flowcontrol", "toofrequent")
TOKEN_CODES = frozenset({"invalidauthentication", "unauthorized", "invalidaccesstoken"})
PERMANENT_STATUSES = frozenset({400, 403, 404, 405, 413})


def error_code(body: Mapping[str, Any]) -> str:
    return str(body.get("code") or body.get("errcode") or "")


def is_throttled(status: int, body: Mapping[str, Any]) -> bool:
    code = error_code(body).lower().replace(".", "").replace("_", "")
    return status == 429 or any(marker in code for marker in THROTTLING_MARKERS)


def is_bad_token(status: int, body: Mapping[str, Any]) -> bool:
    return status == 401 or error_code(body).lower() in TOKEN_CODES


def from_response(what: str, status: int, body: Mapping[str, Any],
                  headers: Mapping[str, str] | None = None) -> ChannelError:
    code = error_code(body)
    detail = str(body.get("message") or body.get("errmsg") or "")[:200]
    message = f"dingtalk {what}: HTTP {status} {code} {detail}".rstrip()
    label = code or str(status)
    if is_throttled(status, body):
        return ChannelError(message, retry_after=retry_after(headers), code=label)
    return ChannelError(message, permanent=status in PERMANENT_STATUSES, code=label)
