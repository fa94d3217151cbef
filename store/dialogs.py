"""Dialog state per conversation, keyed by ``ConversationKey.lock_id``.

A save is one upsert (``INSERT ... ON CONFLICT DO UPDATE``, on SQLite and PostgreSQL), not a
read followed by a write; so ``load_dialog`` always reads the row, never a stale copy that the
session may still hold. The statements of a turn are built once, at import: building and
keying a statement costs more Python than running it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import DialogStateRow

_TABLE = DialogStateRow.__table__  # type: ignore[attr-defined]


def _upsert(insert: Any) -> Any:
    statement = insert(_TABLE)
    replaced = ("person", "channel", "state", "updated_at", "expires_at")
    return statement.on_conflict_do_update(
        index_elements=["lock_id"],
        set_={"version": _TABLE.c.version + 1,
              **{name: statement.excluded[name] for name in replaced}})


_UPSERT = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(postgresql_insert)}
_LOAD = (select(DialogStateRow).where(col(DialogStateRow.lock_id) == bindparam("lock_id"))
         .execution_options(populate_existing=True))
_DELETE = delete(_TABLE).where(_TABLE.c.lock_id == bindparam("lock_id"))


async def load_dialog(session: AsyncSession, *, lock_id: str) -> DialogStateRow | None:
    return (await session.scalars(_LOAD, {"lock_id": lock_id})).first()


async def save_dialog(
    session: AsyncSession,
    *,
    lock_id: str,
    person: str,
    channel: str,
    state: dict[str, Any],
    now: datetime,
    expires_at: datetime,
) -> None:
    """Insert or replace the state; ``version`` goes up by one on every save (1 when new)."""
    await session.execute(_UPSERT[dialect_of(session)], {
        "lock_id": lock_id, "person": person, "channel": channel, "state": dict(state),
        "version": 1, "updated_at": now, "expires_at": expires_at})


async def delete_dialog(session: AsyncSession, *, lock_id: str) -> None:
    await session.execute(_DELETE, {"lock_id": lock_id})


async def expired_dialogs(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[DialogStateRow]:
    """Dialogs whose ``expires_at`` has passed, the longest expired first."""
    query = (
        select(DialogStateRow)
        .where(col(DialogStateRow.expires_at) <= now)
        .order_by(col(DialogStateRow.expires_at))
        .limit(limit)
    )
    return list(await session.scalars(query))
