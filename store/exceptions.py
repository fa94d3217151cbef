"""Governed exceptions (例外): drafts, requests, grants and their end. Shown as ``EXC-<id>``.

A change of state is a conditional update (``WHERE state = ...``) made while the request row
is locked, so two approvers deciding at once, or an expiry racing a revocation, end one way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store import timers
from store.models import EXCEPTION_STATES, ExceptionGrantRow, RequestRow, TaskRow
from store.requests import MAX_REQUEST_ID

IMPACTS = ("low", "medium", "high")
LIVE_STATES = ("requested", "granted")  # an exception of the same kind may not be asked twice
REVIEW_WINDOW = timedelta(days=30)
_EXC_ID = re.compile(r"(?:EXC\s*[-#]?\s*)?([0-9]{1,10})", re.IGNORECASE | re.ASCII)


def format_exception_id(number: int) -> str:
    return f"EXC-{number}"


def parse_exception_id(text: str) -> int | None:
    match = _EXC_ID.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= MAX_REQUEST_ID else None


async def create_draft(
    session: AsyncSession, *, request: RequestRow, kind: str, effect: str, requested_by: str,
    now: datetime,
) -> ExceptionGrantRow:
    row = ExceptionGrantRow(request_id=request.id or 0, service_id=request.service_id, kind=kind,
                            effect=effect, state="draft", requested_by=requested_by, seats={},
                            decisions={}, created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    return row


async def get(session: AsyncSession, *, exception_id: int) -> ExceptionGrantRow | None:
    if not 1 <= exception_id <= MAX_REQUEST_ID:
        return None
    return await session.get(ExceptionGrantRow, exception_id, populate_existing=True)


async def of_request(session: AsyncSession, *, request_id: int,
                     states: Sequence[str] = EXCEPTION_STATES) -> list[ExceptionGrantRow]:
    query = (select(ExceptionGrantRow)
             .where(col(ExceptionGrantRow.request_id) == request_id,
                    col(ExceptionGrantRow.state).in_(states))
             .order_by(col(ExceptionGrantRow.id)).execution_options(populate_existing=True))
    return list(await session.scalars(query))


async def of_requests(session: AsyncSession, *, request_ids: Sequence[int]
                      ) -> list[ExceptionGrantRow]:
    query = (select(ExceptionGrantRow)
             .where(col(ExceptionGrantRow.request_id).in_(list(request_ids)))
             .order_by(col(ExceptionGrantRow.id)))
    return list(await session.scalars(query))


async def change(
    session: AsyncSession, *, row: ExceptionGrantRow, from_states: Sequence[str], now: datetime,
    **values: Any,
) -> bool:
    """Set ``values`` on ``row`` if it is still in one of ``from_states``; False otherwise."""
    state = values.get("state")
    if state is not None and state not in EXCEPTION_STATES:
        raise ValueError(f"unknown exception state {state!r}")
    result = await session.execute(
        update(ExceptionGrantRow)
        .where(col(ExceptionGrantRow.id) == row.id, col(ExceptionGrantRow.state).in_(from_states))
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False))
    await session.refresh(row)
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def granted_since(session: AsyncSession, *, service_id: str, since: datetime
                        ) -> list[ExceptionGrantRow]:
    """The service's exceptions granted at or after ``since`` (for the review threshold and
    the count an approver sees), oldest first."""
    query = (select(ExceptionGrantRow)
             .where(col(ExceptionGrantRow.service_id) == service_id,
                    col(ExceptionGrantRow.granted_at) >= since)
             .order_by(col(ExceptionGrantRow.granted_at), col(ExceptionGrantRow.id)))
    return list(await session.scalars(query))


async def listed(
    session: AsyncSession, *, requested_by: str | None = None, service_id: str | None = None,
    states: Sequence[str] = EXCEPTION_STATES, limit: int = 50,
) -> list[ExceptionGrantRow]:
    """Newest first; drafts only when asked for."""
    query = select(ExceptionGrantRow).where(col(ExceptionGrantRow.state).in_(states))
    if requested_by is not None:
        query = query.where(col(ExceptionGrantRow.requested_by) == requested_by)
    if service_id is not None:
        query = query.where(col(ExceptionGrantRow.service_id) == service_id)
    query = query.order_by(col(ExceptionGrantRow.id).desc()).limit(limit)
    return list(await session.scalars(query))


def seat_holders(row: ExceptionGrantRow) -> dict[str, list[str]]:
    """Part -> the people any one of whom decides it (``approver``, and ``high``)."""
    return {str(part): [str(p) for p in people] for part, people in (row.seats or {}).items()}


def open_parts(row: ExceptionGrantRow) -> list[str]:
    decided = row.decisions or {}
    return [part for part in seat_holders(row) if part not in decided]


END_TIMER = "exception.end"  # an exception ended by something else than its expiry


async def end_with_request(session: AsyncSession, *, request_id: int, cause: str,
                           now: datetime) -> int:
    """The request closed (or, for ``defer_approval``, was rejected): every live exception of
    it ends at once, through an ``exception.end`` timer due now that the exceptions feature
    fires (recovery tasks, the effect undone, everyone told). How many were ended."""
    live = await of_request(session, request_id=request_id, states=LIVE_STATES)
    for row in live:
        await timers.schedule(session, kind=END_TIMER, subject=f"exception:{row.id}",
                              due_at=now, now=now, payload={"cause": cause},
                              dedupe_key=f"exception:{row.id}:end")
    return len(live)


REVIEW_TASK_KEY = "exception_review"  # the owner group's review (复盘) task of a service


async def open_review_task(session: AsyncSession, *, service_id: str) -> TaskRow | None:
    """The service's open review task, if it has one (at most one is open per service)."""
    query = (select(TaskRow).join(RequestRow, col(RequestRow.id) == col(TaskRow.request_id))
             .where(col(RequestRow.service_id) == service_id,
                    col(TaskRow.key) == REVIEW_TASK_KEY,
                    col(TaskRow.state).in_(("blocked", "ready", "claimed", "waiting_info")))
             .limit(1))
    return (await session.scalars(query)).first()
