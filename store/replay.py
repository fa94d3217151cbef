"""Replay guard: each callback signature is taken in once, with one body, across replicas.

A platform's signed nonce (DingTalk's ``timestamp``/``sign`` pair, WeCom's ``nonce``) is
remembered with the digest of the body it first came with until it could no longer pass the
platform's time window. The same nonce with the same body is a redelivery (the core's event
dedupe drops it); with another body it is a forgery.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import SeenSignatureRow

_TABLE = SeenSignatureRow.__table__  # type: ignore[attr-defined]
_REMEMBER = {
    "postgresql": postgresql_insert(_TABLE).on_conflict_do_nothing(
        index_elements=["channel", "nonce"]),
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=["channel", "nonce"]),
}


class Sighting(Enum):
    FIRST = "first"  # never seen: take it in
    SAME_BODY = "same_body"  # seen with this very body: a redelivery
    OTHER_BODY = "other_body"  # seen with another body: refuse


async def sight(session: AsyncSession, *, channel: str, nonce: str, digest: str,
                keep_until: datetime) -> Sighting:
    """Remember ``nonce`` with ``digest`` (if new) and say whether it was seen before."""
    result = cast(CursorResult[Any], await session.execute(
        _REMEMBER[dialect_of(session)],
        {"channel": channel, "nonce": nonce, "digest": digest, "expires_at": keep_until}))
    if result.rowcount == 1:
        return Sighting.FIRST
    first = await session.scalar(
        select(col(SeenSignatureRow.digest)).where(col(SeenSignatureRow.channel) == channel,
                                              col(SeenSignatureRow.nonce) == nonce))
    return Sighting.SAME_BODY if first == digest else Sighting.OTHER_BODY


async def prune_signatures(session: AsyncSession, *, now: datetime) -> int:
    """Forget the signatures whose window has closed; returns how many were removed."""
    statement = delete(SeenSignatureRow).where(col(SeenSignatureRow.expires_at) < now)
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
