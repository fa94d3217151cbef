"""The ``sessionWebhook`` of each conversation, while DingTalk says it is valid (about 90 min).

Every robot message carries one, with ``sessionWebhookExpiredTime``. A send to that
conversation goes through it (no access token, the sender of a group message is @-notified),
unless it expires within ``MARGIN_MS``. Interactive cards cannot go this way. In memory: after
a restart, or on another replica, the OpenAPI is used until the person writes again.
"""

from __future__ import annotations

from dataclasses import dataclass

MARGIN_MS = 60_000


@dataclass(frozen=True)
class Webhook:
    url: str
    expires_ms: int


class SessionWebhooks:
    def __init__(self) -> None:
        self._hooks: dict[str, Webhook] = {}

    def remember(self, target: str, url: str, expires_ms: int) -> None:
        if url and expires_ms:
            self._hooks[target] = Webhook(url, expires_ms)

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
