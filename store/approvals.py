"""Approval steps and seats: create a round, activate a step, record decisions exactly once.

Every change of state is a conditional ``UPDATE ... WHERE state = <expected>``: of two
approvers deciding the same step at the same moment, only one changes it, on SQLite and on
PostgreSQL. Callers also hold the request's row lock (``requests.lock_request``), so a step's
count of approvals is read and finished by one turn at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import SEAT_STATES, STEP_STATES, ApprovalSeatRow, ApprovalStepRow

OPEN_STEP_STATES = ("waiting", "pending")


@dataclass(frozen=True)
class StepPlan:
    approvers: tuple[str, ...]
    mode: str
    required: int
    note: str | None = None


async def current_round(session: AsyncSession, *, request_id: int) -> int:
    """The latest round of the request's approval (0 when it never needed one)."""
    query = select(func.max(col(ApprovalStepRow.round))).where(
        col(ApprovalStepRow.request_id) == request_id)
    return int(await session.scalar(query) or 0)


async def create_round(
    session: AsyncSession, *, request_id: int, plans: Sequence[StepPlan]
) -> list[ApprovalStepRow]:
    """A new round of ``waiting`` steps with their ``waiting`` seats, in order."""
    round_ = await current_round(session, request_id=request_id) + 1
    steps = []
    for position, plan in enumerate(plans, 1):
        step = ApprovalStepRow(request_id=request_id, round=round_, position=position,
                               total=len(plans), mode=plan.mode, required=plan.required,
                               state="waiting", note=plan.note)
        session.add(step)
        await session.flush()
        for approver in plan.approvers:
            session.add(ApprovalSeatRow(step_id=step.id or 0, request_id=request_id,
                                        approver=approver, state="waiting"))
        steps.append(step)
    await session.flush()
    return steps


async def steps_of(
    session: AsyncSession, *, request_id: int, round_: int | None = None
) -> list[ApprovalStepRow]:
    """The steps of one round (default: the latest), in order."""
    if round_ is None:
        round_ = await current_round(session, request_id=request_id)
    query = (
        select(ApprovalStepRow)
        .where(col(ApprovalStepRow.request_id) == request_id, col(ApprovalStepRow.round) == round_)
        .order_by(col(ApprovalStepRow.position))
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(query))


async def get_step(session: AsyncSession, *, step_id: int) -> ApprovalStepRow | None:
    return await session.get(ApprovalStepRow, step_id, populate_existing=True)


async def get_seat(session: AsyncSession, *, seat_id: int) -> ApprovalSeatRow | None:
    return await session.get(ApprovalSeatRow, seat_id, populate_existing=True)


async def seats_of(session: AsyncSession, *, step_id: int) -> list[ApprovalSeatRow]:
    query = (
        select(ApprovalSeatRow).where(col(ApprovalSeatRow.step_id) == step_id)
        .order_by(col(ApprovalSeatRow.id)).execution_options(populate_existing=True)
    )
    return list(await session.scalars(query))


async def activate_step(session: AsyncSession, *, step: ApprovalStepRow, now: datetime) -> bool:
    """``waiting`` -> ``pending`` for the step and its seats; False if it was not waiting."""
    if not await _move_step(session, step.id or 0, ("waiting",), "pending", started_at=now):
        return False
    await session.execute(
        update(ApprovalSeatRow)
        .where(col(ApprovalSeatRow.step_id) == step.id, col(ApprovalSeatRow.state) == "waiting")
        .values(state="pending").execution_options(synchronize_session=False))
    await session.refresh(step)
    return True


async def decide_seat(
    session: AsyncSession,
    *,
    seat: ApprovalSeatRow,
    verdict: str,
    actor: str,
    comment: str | None,
    now: datetime,
) -> bool:
    """Record ``verdict`` (approved/rejected) on a pending seat; False when it was not pending."""
    if verdict not in ("approved", "rejected"):
        raise ValueError(f"unknown verdict {verdict!r}")
    result = await session.execute(
        update(ApprovalSeatRow)
        .where(col(ApprovalSeatRow.id) == seat.id, col(ApprovalSeatRow.state) == "pending")
        .values(state=verdict, decided_by=actor, comment=comment, decided_at=now)
        .execution_options(synchronize_session=False))
    await session.refresh(seat)
    return _changed_one(result)


async def finish_step(
    session: AsyncSession, *, step: ApprovalStepRow, outcome: str, now: datetime
) -> bool:
    """A pending step ends as ``outcome``; its undecided seats are retired."""
    if outcome not in ("approved", "rejected"):
        raise ValueError(f"unknown step outcome {outcome!r}")
    if not await _move_step(session, step.id or 0, ("pending",), outcome, finished_at=now):
        return False
    await _retire_seats(session, [step.id or 0])
    await session.refresh(step)
    return True


async def cancel_open_steps(
    session: AsyncSession, *, request_id: int, because: str, now: datetime
) -> list[ApprovalStepRow]:
    """End every waiting or pending step of the request; ``because`` is restarted, withdrawn
    or rejected (a later step after an earlier one rejected)."""
    query = select(ApprovalStepRow).where(
        col(ApprovalStepRow.request_id) == request_id,
        col(ApprovalStepRow.state).in_(OPEN_STEP_STATES))
    steps = list(await session.scalars(query))
    for step in steps:
        await _move_step(session, step.id or 0, OPEN_STEP_STATES, "cancelled", finished_at=now,
                         ended_because=because)
    await _retire_seats(session, [s.id or 0 for s in steps])
    for step in steps:
        await session.refresh(step)
    return steps


async def pending_seats_for(
    session: AsyncSession, *, approvers: Iterable[str]
) -> list[tuple[ApprovalSeatRow, ApprovalStepRow]]:
    """Pending seats of these approvers with their steps, oldest step first."""
    people = sorted(set(approvers))
    if not people:
        return []
    query = (
        select(ApprovalSeatRow, ApprovalStepRow)
        .join(ApprovalStepRow, col(ApprovalStepRow.id) == col(ApprovalSeatRow.step_id))
        .where(col(ApprovalSeatRow.approver).in_(people),
               col(ApprovalSeatRow.state) == "pending")
        .order_by(col(ApprovalStepRow.started_at), col(ApprovalSeatRow.id))
    )
    return [(seat, step) for seat, step in await session.execute(query)]


async def people_on(session: AsyncSession, *, request_id: int) -> frozenset[str]:
    """Everyone who was asked to approve the request, or decided on it."""
    query = select(col(ApprovalSeatRow.approver), col(ApprovalSeatRow.decided_by)).where(
        col(ApprovalSeatRow.request_id) == request_id,
        col(ApprovalSeatRow.state) != "waiting")
    people: set[str] = set()
    for approver, decided_by in await session.execute(query):
        people.add(approver)
        if decided_by:
            people.add(decided_by)
    return frozenset(people)


async def _move_step(
    session: AsyncSession, step_id: int, from_states: Sequence[str], to_state: str,
    **values: Any,
) -> bool:
    assert to_state in STEP_STATES
    result = await session.execute(
        update(ApprovalStepRow)
        .where(col(ApprovalStepRow.id) == step_id, col(ApprovalStepRow.state).in_(from_states))
        .values(state=to_state, **values).execution_options(synchronize_session=False))
    return _changed_one(result)


async def _retire_seats(session: AsyncSession, step_ids: list[int]) -> None:
    assert "retired" in SEAT_STATES
    if step_ids:
        await session.execute(
            update(ApprovalSeatRow)
            .where(col(ApprovalSeatRow.step_id).in_(step_ids),
                   col(ApprovalSeatRow.state).in_(("waiting", "pending")))
            .values(state="retired").execution_options(synchronize_session=False))


def _changed_one(result: Any) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) == 1
