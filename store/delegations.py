"""Delegations made in chat. The directory file's delegations are read from the bundle;
these rows override them for the days they cover (see ``bot/delegates.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import DelegationRow

_LIVE = (  # built once: a turn that starts an approval step asks this
    select(DelegationRow)
    .where(col(DelegationRow.from_person).in_(bindparam("people", expanding=True)),
           col(DelegationRow.cancelled_at).is_(None),
           col(DelegationRow.ends_on) >= bindparam("on"))
    .order_by(col(DelegationRow.id).desc())
)


async def add(
    session: AsyncSession,
    *,
    from_person: str,
    to_person: str | None,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> DelegationRow:
    if ends_on < starts_on:
        raise ValueError("a delegation cannot end before it starts")
    row = DelegationRow(from_person=from_person, to_person=to_person, starts_on=starts_on,
                        ends_on=ends_on, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def live_for(session: AsyncSession, *, from_person: str, on: date) -> list[DelegationRow]:
    """Uncancelled rows of ``from_person`` that have not ended by ``on``, newest first."""
    return (await live_for_each(session, from_people=[from_person], on=on)).get(from_person, [])


async def live_for_each(
    session: AsyncSession, *, from_people: Iterable[str], on: date
) -> dict[str, list[DelegationRow]]:
    """``live_for`` of several people in one query; people without rows are left out."""
    people = sorted(set(from_people))
    if not people:
        return {}
    found: dict[str, list[DelegationRow]] = {}
    for row in await session.scalars(_LIVE, {"people": people, "on": on}):
        found.setdefault(row.from_person, []).append(row)
    return found


async def delegators_of(session: AsyncSession, *, to_person: str, on: date) -> list[str]:
    """People whose live chat delegation covering ``on`` names ``to_person``."""
    query = select(col(DelegationRow.from_person)).where(
        col(DelegationRow.to_person) == to_person, col(DelegationRow.cancelled_at).is_(None),
        col(DelegationRow.starts_on) <= on, col(DelegationRow.ends_on) >= on)
    return sorted(set(await session.scalars(query)))


async def cancel(session: AsyncSession, *, row: DelegationRow, now: datetime) -> None:
    row.cancelled_at = now
    session.add(row)
    await session.flush()
