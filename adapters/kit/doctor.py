"""What an adapter's ``doctor`` module reports to ``esmbot doctor``: one finding per check,
with what to do when it fails, and the platform's clock as its HTTP ``Date`` header gave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

PROBE_TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass(frozen=True)
class Finding:
    check: str  # e.g. "slack: bot token"
    ok: bool
    detail: str  # what was seen
    fix: str = ""  # what to do, when not ok
    platform_time: datetime | None = None  # from the answer's Date header, for the clock check


def header_time(headers: object) -> datetime | None:
    """The ``Date`` header of an answer as an aware datetime, or None."""
    value = getattr(headers, "get", lambda _key: None)("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def unreachable(check: str, url: str, exc: BaseException, key: str) -> Finding:
    return Finding(check, False, f"{url} could not be reached ({type(exc).__name__}: {exc})",
                   f"check the network and {key}")


def env_name(section: str, key: str) -> str:
    return f"{section}.{key} (ESMBOT_{section.upper()}__{key.upper()})"


@dataclass(frozen=True)
class Answer:
    """What a platform said to a probe: its JSON object (None when it sent something else) and
    the time its ``Date`` header gave."""

    body: dict[str, Any] | None
    time: datetime | None

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default) if self.body is not None else default


async def ask(check: str, method: str, url: str, key: str, **request: Any) -> Answer | Finding:
    """One probe request; a ``Finding`` naming ``key`` when the platform cannot be reached or
    does not answer JSON."""
    try:
        async with aiohttp.ClientSession(timeout=PROBE_TIMEOUT) as session, \
                session.request(method, url, **request) as answer:
            body = await answer.json(content_type=None)
            when = header_time(answer.headers)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return unreachable(check, url, exc, key)
    return Answer(body if isinstance(body, dict) else None, when)
