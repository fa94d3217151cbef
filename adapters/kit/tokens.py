"""An access token, cached until shortly before it expires and fetched by one caller at a time.

WeCom (``gettoken``) and DingTalk (``oauth2/accessToken``) both hand out a token with a
lifetime; calls share it, a refusal forgets it (unless another call renewed it meanwhile), and
callers waiting for a fetch share its result.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

MARGIN_SECONDS = 300.0  # renew this long before the platform's lifetime runs out
SHORTEST_SECONDS = 60.0  # never keep a token for less than this (a tiny lifetime is a typo)

Fetch = Callable[[], Awaitable[tuple[str, float]]]  # -> (token, lifetime in seconds)


class TokenCache:
    def __init__(self, fetch: Fetch, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self.clock = clock
        self._token = ""
        self._until = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:  # never the token
        return f"TokenCache(valid={self._valid()})"

    async def get(self) -> str:
        if self._valid():
            return self._token
        async with self._lock:
            if not self._valid():
                token, lifetime = await self._fetch()
                self._token = token
                self._until = self.clock() + max(SHORTEST_SECONDS, lifetime - MARGIN_SECONDS)
            return self._token

    def forget(self, token: str) -> None:
        """``token`` was refused: the next ``get`` fetches anew, unless it was renewed since."""
        if self._token == token:
            self._token, self._until = "", 0.0

    def _valid(self) -> bool:
        return bool(self._token) and self.clock() < self._until
