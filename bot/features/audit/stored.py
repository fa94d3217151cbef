"""Requests as their tables hold them, read a batch at a time, in the shape of a replay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.audit.replay import (
    Exception_,
    Replayed,
    Seat,
    Step,
    Task,
    TrailEvent,
    replay,
)
from store import audit
from store.exceptions import format_exception_id
from store.models import (
    ApprovalSeatRow,
    ApprovalStepRow,
    ExceptionGrantRow,
    RequestRow,
    TaskRow,
)
from store.requests import format_request_id
from store.tasks import format_task_id

_REQUESTS = RequestRow.__table__  # type: ignore[attr-defined]
_STEPS = ApprovalStepRow.__table__  # type: ignore[attr-defined]
_SEATS = ApprovalSeatRow.__table__  # type: ignore[attr-defined]
_TASKS = TaskRow.__table__  # type: ignore[attr-defined]
_EXCEPTIONS = ExceptionGrantRow.__table__  # type: ignore[attr-defined]


async def every_request_id(session: AsyncSession) -> list[int]:
    """Every request in the table or on the trail, in order."""
    ids = set(await session.scalars(select(_REQUESTS.c.id)))
    return sorted(ids | _ids(await audit.subjects_like(session, "REQ-")))


async def request_ids_since(session: AsyncSession, since: datetime) -> list[int]:
    """The requests with an event at or after ``since``, or a row changed since."""
    first = await audit.first_seq_since(session, since)
    ids = _ids(await audit.subjects_from(session, first)) if first is not None else set()
    changed = select(_REQUESTS.c.id).where(or_(_REQUESTS.c.updated_at >= since,
                                               _REQUESTS.c.created_at >= since))
    return sorted(ids | set(await session.scalars(changed)))


async def in_tables(session: AsyncSession, ids: Sequence[int]) -> dict[int, Replayed]:
    """The stored state of these requests (absent: no such row)."""
    found = {int(row.id): Replayed(status=row.status, service=row.service_id,
                                   version=row.service_version, answers=dict(row.answers or {}))
             for row in await session.execute(
                 select(_REQUESTS.c.id, _REQUESTS.c.status, _REQUESTS.c.service_id,
                        _REQUESTS.c.service_version, _REQUESTS.c.answers)
                 .where(_REQUESTS.c.id.in_(ids)))}
    steps: dict[int, tuple[int, Step]] = {}
    for row in await session.execute(
            select(_STEPS.c.id, _STEPS.c.request_id, _STEPS.c.round, _STEPS.c.position,
                   _STEPS.c.state, _STEPS.c.mode, _STEPS.c.required, _STEPS.c.ended_because)
            .where(_STEPS.c.request_id.in_(ids))):
        step = Step(row.state, {}, row.mode, row.required, row.ended_because)
        steps[int(row.id)] = (int(row.request_id), step)
        if row.request_id in found:
            found[row.request_id].steps[(int(row.round), int(row.position))] = step
    for seat in await session.execute(
            select(_SEATS.c.step_id, _SEATS.c.approver, _SEATS.c.state, _SEATS.c.decided_by,
                   _SEATS.c.comment).where(_SEATS.c.request_id.in_(ids))
            .order_by(_SEATS.c.id)):
        if seat.step_id in steps:
            steps[seat.step_id][1].seats[seat.approver] = Seat(seat.state, seat.decided_by,
                                                               seat.comment)
    for task in await session.execute(
            select(_TASKS.c.id, _TASKS.c.request_id, _TASKS.c.key, _TASKS.c.group_id,
                   _TASKS.c.state, _TASKS.c.assignee).where(_TASKS.c.request_id.in_(ids))):
        if task.request_id in found:
            found[task.request_id].tasks[format_task_id(int(task.id))] = Task(
                task.key, task.group_id, task.state, task.assignee)
    await _exceptions_in(session, ids, found)
    return found


async def _exceptions_in(session: AsyncSession, ids: Sequence[int],
                         found: dict[int, Replayed]) -> None:
    """Drafts are the requester's answers so far, not yet on the trail."""
    for row in await session.execute(
            select(_EXCEPTIONS.c.id, _EXCEPTIONS.c.request_id, _EXCEPTIONS.c.kind,
                   _EXCEPTIONS.c.state, _EXCEPTIONS.c.end_cause)
            .where(_EXCEPTIONS.c.request_id.in_(ids), _EXCEPTIONS.c.state != "draft")):
        if row.request_id in found:
            found[row.request_id].exceptions[format_exception_id(int(row.id))] = Exception_(
                row.kind, row.state, row.end_cause)


async def on_trails(session: AsyncSession, ids: Sequence[int]) -> dict[int, Replayed]:
    """What the trails of these requests say (absent: no event about it)."""
    events: dict[int, list[TrailEvent]] = {}
    for subject, seq, actor, on_behalf_of, action, data in await audit.events_about(
            session, [format_request_id(i) for i in ids]):
        events.setdefault(int(subject[4:]), []).append(
            TrailEvent(seq, actor, on_behalf_of, action, data or {}))
    return {number: replay(trail) for number, trail in events.items()}


def _ids(subjects: set[str]) -> set[int]:
    """The request numbers of ``REQ-<n>`` subjects (anything else is no request's)."""
    return {int(s[4:]) for s in subjects if s.startswith("REQ-") and s[4:].isdigit()}
