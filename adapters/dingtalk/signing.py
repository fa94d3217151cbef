"""HTTP-mode request signatures.

``sign`` = base64(HMAC-SHA256(key=appSecret, msg=timestamp + "\\n" + appSecret)).

DingTalk sends the ``timestamp`` (milliseconds) and ``sign`` headers; a request whose timestamp
is more than an hour from ours, or whose sign differs, is not from DingTalk (CHANNELS.md §3.1).
Pure: the caller passes the time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

MAX_SKEW_MS = 60 * 60 * 1000


def sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def refusal(timestamp: str | None, signature: str | None, secret: str, now_ms: int
            ) -> str | None:
    """None when the request is signed by DingTalk within the hour; else why it is refused."""
    if not timestamp or not signature:
        return "missing timestamp or sign header"
    try:
        stamp = int(timestamp)
    except ValueError:
        return "timestamp is not a number"
    if abs(now_ms - stamp) > MAX_SKEW_MS:
        return "timestamp more than an hour off"
    if not hmac.compare_digest(sign(timestamp, secret).encode(), signature.encode()):
        return "wrong sign"
    return None
