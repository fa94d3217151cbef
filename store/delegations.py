"""Delegations made in chat. The directory file's delegations are read from the bundle;
these rows override them for the days they cover (see ``bot/approvals/delegation.py``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import DelegationRow


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
    query = (
        select(DelegationRow)
        .where(col(DelegationRow.from_person) == from_person,
               col(DelegationRow.cancelled_at).is_(None), col(DelegationRow.ends_on) >= on)
        .order_by(col(DelegationRow.id).desc())
    )
    return list(await session.scalars(query))


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
