"""qyapi answers -> ``ChannelError`` the outbox understands (retry, wait, or give up).

WeCom answers HTTP 200 with ``{"errcode": N, "errmsg": ...}``; ``errcode`` 0 is success.
"""

from __future__ import annotations

import re

from chat.channel import ChannelError

TOKEN_REFUSED = frozenset({40014, 42001})  # invalid / expired access_token: fetch one, retry once
THROTTLED = 45009  # "接口调用超过限制": wait (the block lasts a minute or an hour)
TRY_AGAIN = frozenset({-1, 45033, 42014})  # busy; too many concurrent calls; task_id taken
# Retrying cannot help: the secret, the CorpID, the app, the recipient or the payload is wrong.
PERMANENT = frozenset({
    40001,  # invalid secret
    40003,  # invalid UserID
    40008,  # invalid message type
    40013,  # invalid CorpID
    40056,  # invalid AgentID
    40058,  # invalid parameter
    44004,  # empty content
    45002,  # content too long
    48002,  # API not allowed for this app
    60011,  # member outside the app's visible range
    81013,  # every recipient invalid
    86003,  # no such group chat
})
# Not permanent though it is configuration: the admin adds the trusted IP, then sends resume.
UNTRUSTED_IP = 60020
_SECRETS = re.compile(r"(access_token|corpsecret)=[^&\s'\"]+")


class ApiError(ChannelError):
    """WeCom answered with a non-zero ``errcode``."""

    def __init__(self, method: str, errcode: int, errmsg: str, *,
                 retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(f"wecom {method}: errcode {errcode} {errmsg}"[:300],
                         retry_after=retry_after, permanent=permanent, code=str(errcode))
        self.method = method
        self.errcode = errcode

    @property
    def transient(self) -> bool:
        """Asking again later may succeed (a limit, a busy server, a token being renewed)."""
        return self.errcode in TRY_AGAIN or self.errcode in TOKEN_REFUSED or \
            self.errcode in (THROTTLED, UNTRUSTED_IP)


def from_answer(method: str, errcode: int, errmsg: str, *, throttled_retry: float) -> ApiError:
    if errcode == THROTTLED:
        return ApiError(method, errcode, errmsg, retry_after=throttled_retry)
    if errcode == UNTRUSTED_IP:
        errmsg += " (add this server's public IP to the app's 企业可信IP)"
    return ApiError(method, errcode, errmsg, permanent=errcode in PERMANENT)


def scrub(text: str) -> str:
    return _SECRETS.sub(r"\1=***", text)
