"""HTTP-mode request signatures.

``sign`` = base64(HMAC-SHA256(key=appSecret, msg=timestamp + "\\n" + appSecret)).

DingTalk sends the ``timestamp`` (milliseconds, when it sent the request) and ``sign``
headers; a request whose sign differs is not from DingTalk (CHANNELS.md §3.1). DingTalk's own
rule refuses a timestamp more than an hour off; since the sign covers only the timestamp (not
the body), esmbot allows ``window_ms`` (minutes, ``[dingtalk] callback_window_seconds``) and
the web handler takes each pair once (``adapters.kit.replay``). Pure: the caller passes the
time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

DINGTALK_MAX_SKEW_MS = 60 * 60 * 1000  # the documented limit; esmbot's window is shorter


def sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def refusal(timestamp: str | None, signature: str | None, secret: str, now_ms: int,
            window_ms: int = DINGTALK_MAX_SKEW_MS) -> str | None:
    """None when the request is signed by DingTalk within the window; else why it is
    refused."""
    if not timestamp or not signature:
        return "missing timestamp or sign header"
    try:
        stamp = int(timestamp)
    except ValueError:
        return "timestamp is not a number"
    if abs(now_ms - stamp) > window_ms:
        return f"timestamp more than {window_ms // 1000} s off"
    if not hmac.compare_digest(sign(timestamp, secret).encode(), signature.encode()):
        return "wrong sign"
    return None
