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

from sqlalchemy import Row, Text, bindparam, func, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import (
    ApprovalSeatRow,
    ApprovalStepRow,
    AuditEventRow,
    RequestFactRow,
    RequestRow,
)

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


# --- light reads for the figures: only the columns asked for, as rows (no ORM objects) -------


def _columns(names: Sequence[str], raw: Sequence[str] = ()) -> list[Any]:
    """The columns ``names``; those in ``raw`` as the driver gives them (JSON as its text,
    decoded by the caller only when needed)."""
    return [type_coerce(_TABLE.c[name], Text).label(name) if name in raw else _TABLE.c[name]
            for name in names]


def _stage_columns(stages: Sequence[str]) -> list[Any]:
    """Each stage's seconds as numbers the database takes out of the JSON (no JSON decoding in
    Python): ``wall_<stage>`` and ``bh_<stage>``, NULL where the stage is not recorded."""
    return [*(_TABLE.c.stage_wall[stage].as_float().label(f"wall_{stage}") for stage in stages),
            *(_TABLE.c.stage_business[stage].as_float().label(f"bh_{stage}")
              for stage in stages)]


async def rows_between(session: AsyncSession, column: str, start: datetime, end: datetime,
                       names: Sequence[str], *, service_ids: Iterable[str] | None = None,
                       stages: Sequence[str] = (), raw: Sequence[str] = ()) -> list[Row[Any]]:
    """``names`` of the rows whose ``column`` (one of MOMENTS) falls in ``[start, end)``, by
    request id; rows read by attribute (``row.service_id``); with ``stages``, their seconds
    as ``row.wall_<stage>`` and ``row.bh_<stage>``; ``raw``: JSON columns left as text."""
    if column not in MOMENTS:
        raise ValueError(f"{column!r} is not one of {', '.join(MOMENTS)}")
    moment = _TABLE.c[column]
    query = select(*_columns(names, raw), *_stage_columns(stages)).where(moment >= start,
                                                                    moment < end)
    if service_ids is not None:
        query = query.where(_TABLE.c.service_id.in_(sorted(service_ids)))
    return list(await session.execute(query.order_by(_TABLE.c.request_id)))


async def rows_not_ended_at(session: AsyncSession, moment: datetime, names: Sequence[str], *,
                            service_ids: Iterable[str] | None = None,
                            raw: Sequence[str] = ()) -> list[Row[Any]]:
    """``not_ended_at``, as rows of ``names`` (``raw``: JSON columns left as text)."""
    ended = _TABLE.c.ended_at
    query = select(*_columns(names, raw)).where(_TABLE.c.submitted_at < moment,
                                           or_(ended.is_(None), ended >= moment))
    if service_ids is not None:
        query = query.where(_TABLE.c.service_id.in_(sorted(service_ids)))
    return list(await session.execute(query.order_by(_TABLE.c.request_id)))


_STEPS = ApprovalStepRow.__table__  # type: ignore[attr-defined]
_SEATS = ApprovalSeatRow.__table__  # type: ignore[attr-defined]
DECIDED = ("approved", "rejected")


async def steps_finished(session: AsyncSession, start: datetime, end: datetime,
                         names: Sequence[str], raw: Sequence[str] = ()) -> list[Row[Any]]:
    """Approval steps approved or rejected in ``[start, end)``: ``started_at``,
    ``finished_at`` and ``names`` of their request's fact row (steps of requests without a
    row are left out)."""
    query = (select(_STEPS.c.started_at, _STEPS.c.finished_at, *_columns(names, raw))
             .join(_TABLE, _TABLE.c.request_id == _STEPS.c.request_id)
             .where(_STEPS.c.finished_at >= start, _STEPS.c.finished_at < end,
                    _STEPS.c.state.in_(DECIDED))
             .order_by(_STEPS.c.id))
    return list(await session.execute(query))


async def seats_decided(session: AsyncSession, start: datetime, end: datetime,
                        names: Sequence[str], raw: Sequence[str] = ()) -> list[Row[Any]]:
    """Seats approved or rejected in ``[start, end)``: ``approver``, ``decided_by``,
    ``decided_at``, their step's ``started_at`` and ``names`` of the request's fact row."""
    query = (select(_SEATS.c.approver, _SEATS.c.decided_by, _SEATS.c.decided_at,
                    _STEPS.c.started_at, *_columns(names, raw))
             .join(_STEPS, _STEPS.c.id == _SEATS.c.step_id)
             .join(_TABLE, _TABLE.c.request_id == _SEATS.c.request_id)
             .where(_SEATS.c.decided_at >= start, _SEATS.c.decided_at < end,
                    _SEATS.c.state.in_(DECIDED))
             .order_by(_SEATS.c.id))
    return list(await session.execute(query))


async def newest_seq(session: AsyncSession) -> int:
    """The seq of the newest audit event (0 before the first)."""
    return int(await session.scalar(select(func.max(_AUDIT.c.seq))) or 0)


async def requests_appended_since(session: AsyncSession, seq: int) -> list[str]:
    """The requests (``REQ-12``) with audit events after ``seq``, in order."""
    query = (select(_AUDIT.c.subject).where(_AUDIT.c.seq > seq,
                                            _AUDIT.c.subject.like("REQ-%"))
             .distinct().order_by(_AUDIT.c.subject))
    return [str(subject) for subject in await session.scalars(query)]
