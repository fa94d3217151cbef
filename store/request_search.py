"""Requests for the web console's list: who may see which (``Viewer``, the visibility rule of
``bot/visibility.py`` as one query) and the list's filters, newest first, a page at a time.

The text search looks at titles and answers in Python, over the rows the other filters kept:
SQLite keeps JSON with escaped non-ASCII characters, so a LIKE on it would miss "笔记本".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import ApprovalSeatRow, AuditEventRow, RequestRow, TaskRow
from store.requests import parse_request_id


@dataclass(frozen=True)
class Viewer:
    """Everything that lets ``person`` see a request; ``everything`` for esm-admin."""

    person: str
    everything: bool = False
    owned_services: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()  # groups whose tasks the person may work on
    deciding_for: frozenset[str] = frozenset()  # people whose seats they may decide (delegates)
    named_actions: frozenset[str] = frozenset()  # trail events whose "to" may look


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    service: str | None = None
    group: str | None = None
    requester: str | None = None
    submitted_from: datetime | None = None  # [from, to)
    submitted_to: datetime | None = None
    text: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[RequestRow] = field(default_factory=list)
    total: int = 0


async def named_request_ids(session: AsyncSession, *, person: str,
                            actions: Iterable[str]) -> set[int]:
    """Requests whose trail has one of ``actions`` addressed to ``person`` (its ``to``)."""
    query = (select(col(AuditEventRow.subject), col(AuditEventRow.data))
             .where(col(AuditEventRow.action).in_(sorted(actions)),
                    col(AuditEventRow.subject).startswith("REQ-")))
    found: set[int] = set()
    for subject, data in await session.execute(query):
        to = data.get("to") if isinstance(data, dict) else None
        if (to == person or (isinstance(to, list) and person in to)) \
                and (number := parse_request_id(subject)) is not None:
            found.add(number)
    return found


async def _visible(session: AsyncSession, viewer: Viewer) -> ColumnElement[bool]:
    if viewer.everything:
        return col(RequestRow.id).is_not(None)
    me = viewer.person
    tasks = select(col(TaskRow.request_id)).where(or_(
        col(TaskRow.assignee) == me, col(TaskRow.group_id).in_(sorted(viewer.groups))))
    people = sorted({me, *viewer.deciding_for})
    seats = select(col(ApprovalSeatRow.request_id)).where(
        col(ApprovalSeatRow.state) != "waiting",
        or_(col(ApprovalSeatRow.approver).in_(people), col(ApprovalSeatRow.decided_by).in_(people)))
    named = await named_request_ids(session, person=me, actions=viewer.named_actions) \
        if viewer.named_actions else set()
    return or_(col(RequestRow.requester) == me,
               col(RequestRow.service_id).in_(sorted(viewer.owned_services)),
               col(RequestRow.id).in_(tasks), col(RequestRow.id).in_(seats),
               col(RequestRow.id).in_(sorted(named)) if named else false())


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(col(RequestRow.status) == filters.status)
    if filters.service:
        conditions.append(col(RequestRow.service_id) == filters.service)
    if filters.requester:
        conditions.append(col(RequestRow.requester) == filters.requester)
    if filters.group:
        conditions.append(col(RequestRow.id).in_(
            select(col(TaskRow.request_id)).where(col(TaskRow.group_id) == filters.group)))
    if filters.submitted_from:
        conditions.append(col(RequestRow.created_at) >= filters.submitted_from)
    if filters.submitted_to:
        conditions.append(col(RequestRow.created_at) < filters.submitted_to)
    return query.where(*conditions) if conditions else query


def matches_text(title: str, answers: Any, text: str) -> bool:
    wanted = text.casefold()
    if wanted in title.casefold():
        return True
    values = answers.values() if isinstance(answers, dict) else ()
    return any(wanted in str(value).casefold() for value in values)


async def search(session: AsyncSession, viewer: Viewer, filters: Filters, *, offset: int = 0,
                 limit: int = 25) -> Page:
    """The page of requests ``viewer`` may see that pass ``filters``, newest first."""
    base = _filtered(select(col(RequestRow.id), col(RequestRow.title), col(RequestRow.answers))
                     .where(await _visible(session, viewer)), filters)
    ordered = base.order_by(col(RequestRow.created_at).desc(), col(RequestRow.id).desc())
    if filters.text.strip():
        ids = [number for number, title, answers in await session.execute(ordered)
               if matches_text(title, answers, filters.text.strip())]
        total = len(ids)
        ids = ids[offset:offset + limit]
    else:
        total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
        ids = [row[0] for row in await session.execute(ordered.offset(offset).limit(limit))]
    return Page(await _rows(session, ids), total)


async def _rows(session: AsyncSession, ids: Sequence[int]) -> list[RequestRow]:
    if not ids:
        return []
    found = {row.id: row for row in await session.scalars(
        select(RequestRow).where(col(RequestRow.id).in_(list(ids))))}
    return [found[number] for number in ids if number in found]
