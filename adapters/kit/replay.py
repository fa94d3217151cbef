"""Replay guard: what an HTTP adapter asks the core before it believes a signed callback.

A platform's signature proves who sent a request, not that it is the first time we see it.
After the signature and the time window pass, the adapter asks ``ReplayGuard.first_use`` with
the signed nonce (DingTalk: the ``timestamp``/``sign`` pair; WeCom: the ``nonce``) and the
digest of the body: the core remembers it in the database (so across replicas) for
``keep_seconds``, long enough for the window to close. The same nonce again with the same body
is a redelivery (True: the core's event dedupe drops it); with another body it is refused.
"""

from __future__ import annotations

import hashlib
from typing import Protocol


class ReplayGuard(Protocol):
    async def first_use(self, channel: str, nonce: str, digest: str, *,
                        keep_seconds: float) -> bool:
        """False when ``nonce`` was already used on ``channel`` with another body."""
        ...


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
