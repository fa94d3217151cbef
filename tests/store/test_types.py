"""Times go in aware (any zone) and come back aware UTC, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from store import requests
from store.db import Database
from store.types import UtcDateTime

BEIJING = timezone(timedelta(hours=8))


async def test_datetimes_round_trip_as_aware_utc(db: Database) -> None:
    created = datetime(2026, 1, 31, 23, 59, 59, 999999, tzinfo=BEIJING)
    async with db.unit_of_work() as uow:
        row = await requests.create_request(
            uow.session, service_id="it.laptop", service_version="v1", requester="alice",
            title="Laptop", answers={}, locale="zh-CN", origin={}, now=created)
        request_id = row.id or 0
    async with db.unit_of_work() as uow:
        stored = await requests.get_request(uow.session, request_id=request_id)
    assert stored is not None
    assert stored.created_at == created
    assert stored.created_at.tzinfo == UTC
    assert stored.created_at.hour == 15


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()],
                         ids=["sqlite", "postgresql"])
def test_naive_datetimes_are_refused(dialect: object) -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 1, 1), dialect)  # type: ignore[arg-type]


def test_sqlite_stores_the_utc_wall_time() -> None:
    stored = UtcDateTime().process_bind_param(
        datetime(2026, 1, 1, 8, tzinfo=BEIJING), sqlite.dialect())
    assert stored == datetime(2026, 1, 1, 0)
