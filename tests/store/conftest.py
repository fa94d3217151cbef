"""Store tests run on SQLite and on a real PostgreSQL (``db_url``/``db`` from ``tests/pg.py``).

The import below registers those fixtures here; once ``tests/conftest.py`` has
``pytest_plugins = ["tests.pg"]`` it is redundant (and harmless: one server per process).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.pg import db, db_url, postgres_server  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return T0
