"""Service requests: create, find, list, change status. Shown to people as ``REQ-<id>``.

A row created, read or locked here is held for the rest of the transaction (``store/memo.py``),
so a later ``get_request`` of the same turn finds it in the session instead of reading it
again. Every change of a request goes through its ORM row, so the held row is never stale.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from store import audit, memo, rows
from store.models import REQUEST_STATUSES, RequestRow

CLOSING_STATUSES = frozenset({"rejected", "closed", "withdrawn"})
MAX_REQUEST_ID = 2**31 - 1  # an INTEGER key on both databases
_HELD = "esmbot.requests.held"
_CREATED = "esmbot.requests.created"  # memo: ids of the requests this transaction inserted
_TABLE = RequestRow.__table__  # type: ignore[attr-defined]
_SET_STATUS = (update(_TABLE).where(_TABLE.c.id == bindparam("request_id"))  # built once
               .values({name: bindparam(f"new_{name}") for name in (
                   "status", "status_reason", "updated_at", "closed_at")}))
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_LOCK = (select(RequestRow).where(col(RequestRow.id) == bindparam("request_id"))
         .with_for_update().execution_options(populate_existing=True))
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
    status: str = "submitted",
) -> RequestRow:
    """A new request in ``status`` (``submitted``, or ``pending_approval`` when the caller
    already knows its approval starts in this transaction); its ``id`` is assigned (written)
    on return.

    One Core INSERT; the row is built from what it wrote and joins the session as if read.
    """
    if status not in ("submitted", "pending_approval"):
        raise ValueError(f"a new request is submitted or pending_approval, not {status!r}")
    values: dict[str, Any] = {
        "service_id": service_id, "service_version": service_version, "requester": requester,
        "title": title, "status": status, "status_reason": None, "answers": dict(answers),
        "locale": locale, "origin": dict(origin), "created_at": now, "updated_at": now,
        "closed_at": None}
    values["id"] = (await session.execute(_INSERT, values)).scalar_one()
    created: set[int] | None = memo.recall(session, _CREATED)
    if created is None:
        created = set()
        memo.remember(session, _CREATED, created)
    created.add(values["id"])
    audit.new_subject(session, subject=format_request_id(values["id"]))
    return _hold(session, rows.loaded(session, RequestRow, values))


async def get_request(session: AsyncSession, *, request_id: int) -> RequestRow | None:
    if not 1 <= request_id <= MAX_REQUEST_ID:
        return None
    held: dict[int, RequestRow] | None = memo.recall(session, _HELD)
    if held is not None and request_id in held:
        return held[request_id]
    row = await session.get(RequestRow, request_id)
    return _hold(session, row) if row is not None else None


async def lock_request(session: AsyncSession, *, request_id: int) -> RequestRow | None:
    """The request, locked until the transaction ends, read fresh.

    PostgreSQL: ``SELECT ... FOR UPDATE``, so turns changing one request (two approvers, an
    amendment) run one after another. SQLite: every write transaction is already exclusive.
    """
    if not 1 <= request_id <= MAX_REQUEST_ID:
        return None
    row = (await session.scalars(_LOCK, {"request_id": request_id})).first()
    return _hold(session, row) if row is not None else None


async def list_requests(
    session: AsyncSession,
    *,
    requester: str | None = None,
    status: str | None = None,
    service: str | None = None,
    limit: int | None = 50,
) -> list[RequestRow]:
    """Newest first, optionally only one requester's, one status's and/or one service's."""
    query = select(RequestRow)
    if requester is not None:
        query = query.where(col(RequestRow.requester) == requester)
    if service is not None:
        query = query.where(col(RequestRow.service_id) == service)
    if status is not None:
        query = query.where(col(RequestRow.status) == status)
    query = query.order_by(col(RequestRow.created_at).desc(), col(RequestRow.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query))


async def set_status(
    session: AsyncSession, *, request: RequestRow, status: str, reason: str | None, now: datetime
) -> None:
    """Move ``request`` to ``status``; ``closed_at`` is set by rejected/closed/withdrawn."""
    if status not in REQUEST_STATUSES:
        raise ValueError(f"unknown request status {status!r}")
    values = {"status": status, "status_reason": reason, "updated_at": now,
              "closed_at": now if status in CLOSING_STATUSES else None}
    created: set[int] | None = memo.recall(session, _CREATED)
    if created is not None and request.id in created and all(
            getattr(request, name) == value for name, value in values.items()):
        # created in this transaction exactly so (``create_request(status=...)``): the
        # UPDATE would write nothing new
        session.add(request)
        await session.flush()
        return
    await session.execute(_SET_STATUS, {
        "request_id": request.id, **{f"new_{name}": value for name, value in values.items()}})
    for name, value in values.items():  # as written, without a second write at the flush
        set_committed_value(request, name, value)
    session.add(request)
    await session.flush()  # as before: anything else the turn changed is written now too


async def update_answers(
    session: AsyncSession, *, request: RequestRow, answers: dict[str, Any], now: datetime
) -> None:
    """Replace the request's answers (a new dict, so the change is always written)."""
    request.answers = dict(answers)
    request.updated_at = now
    session.add(request)
    await session.flush()


def _hold(session: AsyncSession, row: RequestRow) -> RequestRow:
    """Keep ``row`` alive for this transaction (the session's identity map holds rows only
    weakly, so an unreferenced row would otherwise be read again by the next lookup)."""
    held: dict[int, RequestRow] | None = memo.recall(session, _HELD)
    if held is None:
        held = {}
        memo.remember(session, _HELD, held)
    held[row.id or 0] = row
    return row
