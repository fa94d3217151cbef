"""What handlers can reach: configuration, the loaded bundle, the matcher, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.settings import Settings
from dialogs.matching import Matcher
from dialogs.model import Bundle


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: Settings
    bundle: Bundle
    matcher: Matcher
    clock: Callable[[], datetime] = utc_now
