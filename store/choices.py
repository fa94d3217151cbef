"""Numbered choices per conversation: what a typed "1" clicks there, kept in the database.

Where a platform cannot show a card's buttons (the terminal, DingTalk without a card template,
WeCom cards with more than 6 buttons) the adapter numbers them, and the latest message to a
conversation decides what a number means. Keeping that here, not in a process, lets "1" click
the latest card after a restart and on any replica. One row per conversation, replaced by each
message (a message without choices deletes it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import NumberedChoiceRow

_TABLE = NumberedChoiceRow.__table__  # type: ignore[attr-defined]


def _upsert(dialect: str) -> Any:
    insert = postgresql_insert(_TABLE) if dialect == "postgresql" else sqlite_insert(_TABLE)
    return insert.on_conflict_do_update(
        index_elements=["conversation"],
        set_={"shown": insert.excluded.shown, "shown_at": insert.excluded.shown_at})


_REMEMBER = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


async def remember(session: AsyncSession, *, conversation: str, shown: dict[str, Any] | None,
                   now: datetime) -> None:
    """``shown`` is now what a number means in ``conversation``; None: a number is text."""
    if shown is None:
        await session.execute(delete(NumberedChoiceRow).where(
            col(NumberedChoiceRow.conversation) == conversation))
        return
    await session.execute(_REMEMBER[dialect_of(session)],
                          {"conversation": conversation, "shown": dict(shown), "shown_at": now})


async def recall(session: AsyncSession, *, conversation: str) -> dict[str, Any] | None:
    """What a number means in ``conversation`` (None: nothing is offered there)."""
    shown = await session.scalar(select(col(NumberedChoiceRow.shown)).where(
        col(NumberedChoiceRow.conversation) == conversation))
    return dict(shown) if shown is not None else None
