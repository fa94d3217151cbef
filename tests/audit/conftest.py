"""Audit journeys run on SQLite and on PostgreSQL (``db_url`` from ``tests/pg.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.testing import ChatDriver
from tests.cli.conftest import env, esmbot  # noqa: F401  (the command-line fixtures)

SECRET = "test-anchor-secret"


@pytest.fixture
async def chat(db_url: str) -> AsyncIterator[ChatDriver]:
    driver = await ChatDriver.open(db_url, audit={"anchor_secret": SECRET})
    yield driver
    await driver.close()
