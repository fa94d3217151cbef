"""Recorded verifications of the audit chain (``audit_check``): ``esmbot audit verify`` and the
daily anchor timer each add one; the compliance figure ``audit_chain`` reads the latest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import AuditCheckRow


async def record(
    session: AsyncSession, *, at: datetime, source: str, chain_ok: bool, checked: int,
    first_bad_seq: int | None = None, problems: int = 0, since: datetime | None = None,
) -> AuditCheckRow:
    row = AuditCheckRow(at=at, source=source, chain_ok=chain_ok, checked=checked,
                        first_bad_seq=first_bad_seq, problems=problems, since=since)
    session.add(row)
    await session.flush()
    return row


async def latest(session: AsyncSession, *, before: datetime | None = None
                 ) -> AuditCheckRow | None:
    """The newest verification (recorded before ``before`` when given)."""
    query = select(AuditCheckRow).order_by(col(AuditCheckRow.at).desc(),
                                           col(AuditCheckRow.id).desc()).limit(1)
    if before is not None:
        query = query.where(col(AuditCheckRow.at) < before)
    return (await session.execute(query)).scalars().first()
