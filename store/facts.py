"""``request_fact``: one summary row per request for the metrics (issue 19).

The rows are written by the fold of ``bot.features.time.facts`` in the transaction that extends
a request's trail, and rebuilt by ``esmbot metrics rebuild``; the metrics read them here by the
indexed moments (submitted_at, first_resolved_at, closed_at, first_claim_at, ended_at), never
the trails, except for the few requests open at a moment (``links_of_many``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import AuditEventRow, RequestFactRow, RequestRow

MOMENTS = ("submitted_at", "first_resolved_at", "closed_at", "first_claim_at", "ended_at")
LINKS_BATCH = 500  # subjects per query when reading many trails

_TABLE = RequestFactRow.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(column.name for column in _TABLE.columns)
_AUDIT = AuditEventRow.__table__  # type: ignore[attr-defined]
_LINK_COLUMNS = (_AUDIT.c.seq, _AUDIT.c.at, _AUDIT.c.actor, _AUDIT.c.on_behalf_of,
                 _AUDIT.c.action, _AUDIT.c.data)
_TRAIL = (select(*_LINK_COLUMNS).where(_AUDIT.c.subject == bindparam("subject"))
          .order_by(_AUDIT.c.seq))


def _upsert(dialect: str) -> Any:
    insert = postgresql_insert(_TABLE) if dialect == "postgresql" else sqlite_insert(_TABLE)
    return insert.on_conflict_do_update(
        index_elements=["request_id"],
        set_={name: insert.excluded[name] for name in _COLUMNS if name != "request_id"},
        # a fold of a shorter trail (a rebuild racing a turn) never replaces a longer one's
        where=_TABLE.c.folded_seq <= insert.excluded.folded_seq)


_UPSERT = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


@dataclass(frozen=True)
class LinkRow:
    """One audit event as the fold reads it."""

    seq: int
    at: datetime
    actor: str
    on_behalf_of: str | None
    action: str
    data: dict[str, Any]


def values_of(fact: RequestFactRow) -> dict[str, Any]:
    """The row's columns as a plain dict (the JSON columns as lists and dicts)."""
    return {name: getattr(fact, name) for name in _COLUMNS}


async def upsert(session: AsyncSession, fact: RequestFactRow) -> None:
    """Write the request's row, replacing the one it had."""
    await session.execute(_UPSERT[dialect_of(session)], values_of(fact))


async def upsert_many(session: AsyncSession, facts: Sequence[RequestFactRow]) -> None:
    if facts:
        await session.execute(_UPSERT[dialect_of(session)], [values_of(f) for f in facts])


async def get(session: AsyncSession, request_id: int) -> RequestFactRow | None:
    return await session.get(RequestFactRow, request_id, populate_existing=True)


async def all_facts(session: AsyncSession) -> list[RequestFactRow]:
    """Every row, by request id (tests and cross-checks; the metrics ask by moment)."""
    query = select(RequestFactRow).order_by(col(RequestFactRow.request_id))
    return list(await session.scalars(query.execution_options(populate_existing=True)))


async def facts_between(session: AsyncSession, column: str, start: datetime, end: datetime,
                        *, service_ids: Iterable[str] | None = None) -> list[RequestFactRow]:
    """The rows whose ``column`` (one of MOMENTS) falls in ``[start, end)``; only those of
    ``service_ids`` when given."""
    if column not in MOMENTS:
        raise ValueError(f"{column!r} is not one of {', '.join(MOMENTS)}")
    moment = _TABLE.c[column]
    query = select(RequestFactRow).where(moment >= start, moment < end)
    if service_ids is not None:
        query = query.where(col(RequestFactRow.service_id).in_(sorted(service_ids)))
    return list(await session.scalars(query.order_by(col(RequestFactRow.request_id))))


async def not_ended_at(session: AsyncSession, moment: datetime, *,
                       service_ids: Iterable[str] | None = None) -> list[RequestFactRow]:
    """The rows of requests submitted before ``moment`` that had not reached a final status
    (closed, rejected, withdrawn) by then: what was open, or resolved and not yet closed, at
    ``moment``; their ``statuses`` tell which."""
    submitted = col(RequestFactRow.submitted_at) < moment
    ended = col(RequestFactRow.ended_at)
    query = select(RequestFactRow).where(
        submitted, or_(ended.is_(None), ended >= moment))
    if service_ids is not None:
        query = query.where(col(RequestFactRow.service_id).in_(sorted(service_ids)))
    return list(await session.scalars(query.order_by(col(RequestFactRow.request_id))))


async def links_of(session: AsyncSession, subject: str) -> list[LinkRow]:
    """The trail of ``subject`` (``REQ-12``) in ``seq`` order, with seq and actor."""
    return [LinkRow(*row) for row in await session.execute(_TRAIL, {"subject": subject})]


async def links_of_many(session: AsyncSession, subjects: Sequence[str], *,
                        until: datetime | None = None) -> dict[str, list[LinkRow]]:
    """The trails of ``subjects`` (events before ``until`` when given), a batch a query."""
    found: dict[str, list[LinkRow]] = {subject: [] for subject in subjects}
    for first in range(0, len(subjects), LINKS_BATCH):
        query = (select(_AUDIT.c.subject, *_LINK_COLUMNS)
                 .where(_AUDIT.c.subject.in_(list(subjects[first:first + LINKS_BATCH])))
                 .order_by(_AUDIT.c.seq))
        if until is not None:
            query = query.where(_AUDIT.c.at < until)
        for subject, *link in await session.execute(query):
            found[subject].append(LinkRow(*link))
    return found


async def requests_after(session: AsyncSession, after: int, limit: int, *,
                         missing_only: bool = False) -> list[RequestRow]:
    """Requests with an id above ``after``, by id, ``limit`` of them; ``missing_only``: only
    those without a fact row."""
    query = select(RequestRow).where(col(RequestRow.id) > after)
    if missing_only:
        query = query.where(~select(_TABLE.c.request_id).where(
            _TABLE.c.request_id == col(RequestRow.id)).exists())
    return list(await session.scalars(query.order_by(col(RequestRow.id)).limit(limit)))


async def count_missing(session: AsyncSession) -> int:
    """How many requests have no fact row."""
    query = select(func.count()).select_from(RequestRow).where(~select(_TABLE.c.request_id).where(
        _TABLE.c.request_id == col(RequestRow.id)).exists())
    return int(await session.scalar(query) or 0)
