"""The web console's sessions and one-time sign-in links. Only SHA-256 hashes of their tokens
are stored: a copy of the database signs nobody in.

A link is used with one conditional update (``WHERE used_at IS NULL``), so two browsers opening
the same link at once sign in one of them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import ConsoleLinkRow, ConsoleSessionRow

LinkRefusal = Literal["unknown", "used", "expired"]
LINK_VALID = timedelta(minutes=10)


def hash_token(token: str) -> str:
    """What is stored of a session's or a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class LinkUse:
    """What opening a link did: signed in ``person_id``, or refused for ``refusal``."""

    person_id: str | None = None
    refusal: LinkRefusal | None = None


async def create_session(session: AsyncSession, *, token_hash: str, person_id: str,
                         now: datetime, expires_at: datetime, signed_in_by: str,
                         locale: str | None = None) -> ConsoleSessionRow:
    row = ConsoleSessionRow(token_hash=token_hash, person_id=person_id, created_at=now,
                            expires_at=expires_at, signed_in_by=signed_in_by, locale=locale)
    session.add(row)
    await session.flush()
    return row


async def live_session(session: AsyncSession, *, token_hash: str,
                       now: datetime) -> ConsoleSessionRow | None:
    """The session if it was neither signed out nor has expired."""
    row = await session.get(ConsoleSessionRow, token_hash, populate_existing=True)
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return row


async def end_session(session: AsyncSession, *, token_hash: str, now: datetime) -> bool:
    result = await session.execute(
        update(ConsoleSessionRow)
        .where(col(ConsoleSessionRow.token_hash) == token_hash,
               col(ConsoleSessionRow.ended_at).is_(None))
        .values(ended_at=now))
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def set_locale(session: AsyncSession, *, token_hash: str, locale: str) -> None:
    await session.execute(update(ConsoleSessionRow)
                          .where(col(ConsoleSessionRow.token_hash) == token_hash)
                          .values(locale=locale))


async def create_link(session: AsyncSession, *, token_hash: str, person_id: str, now: datetime,
                      expires_at: datetime) -> ConsoleLinkRow:
    row = ConsoleLinkRow(token_hash=token_hash, person_id=person_id, created_at=now,
                         expires_at=expires_at)
    session.add(row)
    await session.flush()
    return row


async def peek_link(session: AsyncSession, *, token_hash: str, now: datetime) -> LinkUse:
    """Whether the link would sign in (without using it)."""
    row = await session.get(ConsoleLinkRow, token_hash, populate_existing=True)
    if row is None:
        return LinkUse(refusal="unknown")
    if row.used_at is not None:
        return LinkUse(refusal="used")
    if row.expires_at <= now:
        return LinkUse(refusal="expired")
    return LinkUse(person_id=row.person_id)


async def issue_link(session: AsyncSession, *, person_id: str, now: datetime,
                     valid: timedelta = LINK_VALID) -> str:
    """A new one-time link's token for ``person_id`` (only its hash is stored)."""
    token = new_token()
    await create_link(session, token_hash=hash_token(token), person_id=person_id, now=now,
                      expires_at=now + valid)
    return token


async def use_link(session: AsyncSession, *, token_hash: str, now: datetime) -> LinkUse:
    """Mark the link used, once; a second use, an expired or an unknown link is refused."""
    peeked = await peek_link(session, token_hash=token_hash, now=now)
    if peeked.refusal is not None:
        return peeked
    result = await session.execute(
        update(ConsoleLinkRow)
        .where(col(ConsoleLinkRow.token_hash) == token_hash,
               col(ConsoleLinkRow.used_at).is_(None))
        .values(used_at=now))
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return LinkUse(refusal="used")
    return peeked


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Forget sessions and links that expired before ``before``."""
    removed = 0
    for table in (ConsoleSessionRow, ConsoleLinkRow):
        result = await session.execute(delete(table).where(col(table.expires_at) < before))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
