"""The ``sessionWebhook`` of each conversation, while DingTalk says it is valid (about 90 min).

Every robot message carries one, with ``sessionWebhookExpiredTime``. A send to that
conversation goes through it (no access token, the sender of a group message is @-notified),
unless it expires within ``MARGIN_MS``. Interactive cards cannot go this way. In memory: after
a restart, or on another replica, the OpenAPI is used until the person writes again.

The message body is not signed (in HTTP mode the sign covers only the timestamp), so its
webhook is believed only as far as DingTalk's own: a URL on DingTalk's host and path
(``[dingtalk] session_webhook_url``, with a query naming the session), kept no longer than
``LIFETIME_MS`` after the message was written (``createAt``, and never later than when it
arrived), whatever expiry the body claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

MARGIN_MS = 60_000
LIFETIME_MS = 5_400_060  # createAt + 90 min (+60 ms), as DingTalk's example body shows


@dataclass(frozen=True)
class Webhook:
    url: str
    expires_ms: int


def on_dingtalk(url: str, allowed: str) -> bool:
    """``url`` is a sessionWebhook on ``allowed``'s scheme, host and path, with a query."""
    try:
        candidate, expected = urlsplit(url), urlsplit(allowed)
    except ValueError:
        return False
    return (candidate.scheme == expected.scheme and bool(candidate.query)
            and candidate.netloc.lower() == expected.netloc.lower()
            and candidate.path == expected.path and not candidate.fragment)


def capped_expiry(claimed_ms: int, created_ms: int, now_ms: int) -> int:
    """The expiry to believe: the claimed one, but at most the documented lifetime after the
    message was written (a ``createAt`` in the future, or none, counts as now)."""
    written = min(created_ms, now_ms) if created_ms > 0 else now_ms
    return min(claimed_ms, written + LIFETIME_MS)


class SessionWebhooks:
    def __init__(self, allowed_url: str) -> None:
        self.allowed_url = allowed_url
        self._hooks: dict[str, Webhook] = {}

    def remember(self, target: str, url: str, expires_ms: int, *, created_ms: int,
                 now_ms: int) -> bool:
        """Keep ``url`` for ``target`` if it is DingTalk's; True when it was kept."""
        if not url or not expires_ms or not on_dingtalk(url, self.allowed_url):
            return False
        expiry = capped_expiry(expires_ms, created_ms, now_ms)
        if expiry - MARGIN_MS <= now_ms:
            return False
        self._hooks[target] = Webhook(url, expiry)
        return True

    def usable(self, target: str, now_ms: int) -> str | None:
        hook = self._hooks.get(target)
        if hook is None:
            return None
        if hook.expires_ms - MARGIN_MS <= now_ms:
            del self._hooks[target]
            return None
        return hook.url

    def forget(self, target: str) -> None:
        self._hooks.pop(target, None)
