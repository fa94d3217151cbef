"""What an adapter's ``doctor`` module reports to ``esmbot doctor``: one finding per check,
with what to do when it fails, and the platform's clock as its HTTP ``Date`` header gave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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
