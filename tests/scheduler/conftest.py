"""Timer tests: a fake clock, a notice for bob, and a look at the outbox and the timer table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.testing import FakeClock

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)
