"""Service requests: create, find, list, change status. Shown to people as ``REQ-<id>``."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import REQUEST_STATUSES, RequestRow

CLOSING_STATUSES = frozenset({"rejected", "closed", "withdrawn"})
MAX_REQUEST_ID = 2**31 - 1  # an INTEGER key on both databases
_REQUEST_ID = re.compile(r"(?:REQ\s*[-#]?\s*|#\s*)?([0-9]{1,10})", re.IGNORECASE | re.ASCII)


def format_request_id(number: int) -> str:
    return f"REQ-{number}"


def parse_request_id(text: str) -> int | None:
    """``REQ-12``, ``req-12``, ``REQ12``, ``#12``, ``12`` (also full-width) -> 12; else None."""
    match = _REQUEST_ID.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= MAX_REQUEST_ID else None


async def create_request(
    session: AsyncSession,
    *,
    service_id: str,
    service_version: str,
    requester: str,
    title: str,
    answers: dict[str, Any],
    locale: str,
    origin: dict[str, Any],
    now: datetime,
) -> RequestRow:
    """A new request in status ``submitted``; its ``id`` is assigned (flushed) on return."""
    row = RequestRow(
        service_id=service_id, service_version=service_version, requester=requester,
        title=title, status="submitted", answers=dict(answers), locale=locale,
        origin=dict(origin), created_at=now, updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_request(session: AsyncSession, *, request_id: int) -> RequestRow | None:
    if not 1 <= request_id <= MAX_REQUEST_ID:
        return None
    return await session.get(RequestRow, request_id)


async def lock_request(session: AsyncSession, *, request_id: int) -> RequestRow | None:
    """The request, locked until the transaction ends, read fresh.

    PostgreSQL: ``SELECT ... FOR UPDATE``, so turns changing one request (two approvers, an
    amendment) run one after another. SQLite: every write transaction is already exclusive.
    """
    if not 1 <= request_id <= MAX_REQUEST_ID:
        return None
    query = (
        select(RequestRow).where(col(RequestRow.id) == request_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).first()


async def list_requests(
    session: AsyncSession,
    *,
    requester: str | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[RequestRow]:
    """Newest first, optionally only one requester's and/or one status."""
    query = select(RequestRow)
    if requester is not None:
        query = query.where(col(RequestRow.requester) == requester)
    if status is not None:
        query = query.where(col(RequestRow.status) == status)
    query = query.order_by(col(RequestRow.created_at).desc(), col(RequestRow.id).desc())
    return list(await session.scalars(query.limit(limit)))


async def set_status(
    session: AsyncSession, *, request: RequestRow, status: str, reason: str | None, now: datetime
) -> None:
    """Move ``request`` to ``status``; ``closed_at`` is set by rejected/closed/withdrawn."""
    if status not in REQUEST_STATUSES:
        raise ValueError(f"unknown request status {status!r}")
    request.status = status
    request.status_reason = reason
    request.updated_at = now
    request.closed_at = now if status in CLOSING_STATUSES else None
    session.add(request)
    await session.flush()


async def update_answers(
    session: AsyncSession, *, request: RequestRow, answers: dict[str, Any], now: datetime
) -> None:
    """Replace the request's answers (a new dict, so the change is always written)."""
    request.answers = dict(answers)
    request.updated_at = now
    session.add(request)
    await session.flush()
