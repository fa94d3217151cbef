"""Rows built from values just written: the model's defaults fill what is not given, and a
row put in the session is held as if read (nothing to write, nothing to load)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store import rows
from store.db import Database
from store.models import TimerRow


def test_built_fills_the_columns_not_given_with_the_models_defaults() -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    row = rows.built(TimerRow, {"kind": "k", "subject": "s", "due_at": now, "payload": {},
                                "created_at": now})
    full = TimerRow(kind="k", subject="s", due_at=now, payload={}, created_at=now)
    assert row.model_dump() == full.model_dump()


def test_a_required_column_left_out_is_an_error() -> None:
    with pytest.raises(TypeError, match=r"TimerRow\.kind"):
        rows.built(TimerRow, {"subject": "s"})


async def test_loaded_joins_the_session_as_if_read(db: Database) -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        row = rows.loaded(uow.session, TimerRow, {
            "id": 12345, "kind": "k", "subject": "s", "due_at": now, "payload": {},
            "created_at": now})
        assert row in uow.session and not uow.session.new and not uow.session.dirty
        assert await uow.session.get(TimerRow, 12345) is row
        uow.session.expunge(row)  # never written: keep the commit from touching it
