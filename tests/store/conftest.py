"""Store tests run on SQLite and on a real PostgreSQL (``db_url``/``db`` from ``tests/pg.py``,
registered for every folder by ``tests/conftest.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return T0
