"""Approval steps and seats: create a round, activate a step, record decisions exactly once.

Every change of state is a conditional ``UPDATE ... WHERE state = <expected>``: of two
approvers deciding the same step at the same moment, only one changes it, on SQLite and on
PostgreSQL. Callers also hold the request's row lock (``requests.lock_request``), so a step's
count of approvals is read and finished by one turn at a time.

Rows are written with Core statements. What a change does to a row the caller holds is set on
that row as if it had been read back (``set_committed_value``), so nothing is read again just to
learn what was just written; a new round's rows are put in the session the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from store import rows
from store.dialect import dialect_of
from store.models import SEAT_STATES, STEP_STATES, ApprovalSeatRow, ApprovalStepRow

OPEN_STEP_STATES = ("waiting", "pending")
_STEPS = ApprovalStepRow.__table__  # type: ignore[attr-defined]
_SEATS = ApprovalSeatRow.__table__  # type: ignore[attr-defined]
# The statements of the common path are built once: building and keying a statement costs
# more Python than running it.
_FIRST_STEP = insert(_STEPS).values(round=select(func.coalesce(func.max(_STEPS.c.round), 0) + 1)
                                    .where(_STEPS.c.request_id == bindparam("of_request"))
                                    .scalar_subquery()).returning(_STEPS.c.id, _STEPS.c.round)
# Several rows go in one INSERT; their ids must follow the parameters' order (seats are shown
# in id order). SQLite numbers the rows of a multi-row VALUES in order; on PostgreSQL,
# SQLAlchemy's ``sort_by_parameter_order`` orders the insert (on SQLite it would insert the
# rows one statement each).
_MORE_STEPS = {
    dialect: insert(_STEPS).returning(_STEPS.c.id, _STEPS.c.position,
                                      sort_by_parameter_order=dialect == "postgresql")
    for dialect in ("sqlite", "postgresql")}
_NEW_SEATS = {
    dialect: insert(_SEATS).returning(_SEATS.c.id, _SEATS.c.step_id, _SEATS.c.approver,
                                      sort_by_parameter_order=dialect == "postgresql")
    for dialect in ("sqlite", "postgresql")}
_STEPS_OF_ROUND = (
    select(ApprovalStepRow)
    .where(col(ApprovalStepRow.request_id) == bindparam("request_id"),
           col(ApprovalStepRow.round) == bindparam("round"))
    .order_by(col(ApprovalStepRow.position)).execution_options(populate_existing=True))
_STEPS_OF_LATEST = (
    select(ApprovalStepRow)
    .where(col(ApprovalStepRow.request_id) == bindparam("request_id"),
           col(ApprovalStepRow.round) == select(func.max(_STEPS.c.round))
           .where(_STEPS.c.request_id == bindparam("request_id")).scalar_subquery())
    .order_by(col(ApprovalStepRow.position)).execution_options(populate_existing=True))
_LATEST_SEATS = (
    select(ApprovalStepRow, ApprovalSeatRow)
    .join(ApprovalSeatRow, col(ApprovalSeatRow.step_id) == col(ApprovalStepRow.id))
    .where(col(ApprovalStepRow.request_id) == bindparam("request_id"),
           col(ApprovalStepRow.round) == select(func.max(_STEPS.c.round))
           .where(_STEPS.c.request_id == bindparam("request_id")).scalar_subquery())
    .order_by(col(ApprovalStepRow.position), col(ApprovalSeatRow.id))
    .execution_options(populate_existing=True))
_STEP = (select(ApprovalStepRow).where(col(ApprovalStepRow.id) == bindparam("id"))
         .execution_options(populate_existing=True))
_SEATS_PENDING = (update(_SEATS).where(_SEATS.c.step_id == bindparam("of_step"),
                                        _SEATS.c.state == "waiting").values(state="pending"))
_DECIDE = (update(_SEATS).where(_SEATS.c.id == bindparam("seat_id"), _SEATS.c.state == "pending")
           .values(state=bindparam("verdict"), decided_by=bindparam("actor"),
                   comment=bindparam("note"), decided_at=bindparam("now")))
_RETIRE = (update(_SEATS).where(_SEATS.c.step_id.in_(bindparam("step_ids", expanding=True)),
                                _SEATS.c.state.in_(("waiting", "pending")))
           .values(state="retired"))
_MOVES: dict[tuple[str, ...], Any] = {}  # _move_step's statements, by the columns it sets
_SEATS_OF = (select(ApprovalSeatRow).where(col(ApprovalSeatRow.step_id) == bindparam("step_id"))
             .order_by(col(ApprovalSeatRow.id)).execution_options(populate_existing=True))


@dataclass(frozen=True)
class StepPlan:
    approvers: tuple[str, ...]
    mode: str
    required: int
    note: str | None = None


@dataclass(frozen=True)
class NewStep:
    """A step of a round just created, with its seats in the plan's order (their id order)."""

    step: ApprovalStepRow
    seats: list[ApprovalSeatRow]


async def current_round(session: AsyncSession, *, request_id: int) -> int:
    """The latest round of the request's approval (0 when it never needed one)."""
    query = select(func.max(col(ApprovalStepRow.round))).where(
        col(ApprovalStepRow.request_id) == request_id)
    return int(await session.scalar(query) or 0)


async def create_round(
    session: AsyncSession,
    *,
    request_id: int,
    plans: Sequence[StepPlan],
    start_at: datetime | None = None,
) -> list[NewStep]:
    """A new round of ``waiting`` steps with their ``waiting`` seats, in order.

    With ``start_at`` the first step is written started: ``pending`` since ``start_at``, its
    seats ``pending``, as ``activate_step`` would leave it. The round number is the request's
    latest + 1, worked out inside the first step's INSERT; all seats go in one INSERT.
    """
    if not plans:
        return []
    dialect = dialect_of(session)
    steps = [rows.built(ApprovalStepRow, {
        "request_id": request_id, "round": 0, "position": position, "total": len(plans),
        "mode": plan.mode, "required": plan.required, "state": "waiting", "note": plan.note,
        "ended_because": None, "started_at": None, "finished_at": None})
        for position, plan in enumerate(plans, 1)]
    if start_at is not None:
        steps[0].state, steps[0].started_at = "pending", start_at.astimezone(UTC)
    first = (await session.execute(
        _FIRST_STEP, {**_step_values(steps[0]), "of_request": request_id})).one()
    steps[0].id = first.id
    for step in steps:
        step.round = first.round
    if len(steps) > 1:
        ids = {position: id_ for id_, position in await session.execute(
            _MORE_STEPS[dialect],
            [{**_step_values(step), "round": step.round} for step in steps[1:]])}
        for step in steps[1:]:
            step.id = ids[step.position]
    seats = [[rows.built(ApprovalSeatRow, {
        "step_id": step.id or 0, "request_id": request_id, "approver": approver,
        "state": step.state, "decided_by": None, "comment": None, "decided_at": None})
        for approver in plan.approvers] for step, plan in zip(steps, plans, strict=True)]
    every_seat = [seat for of_step in seats for seat in of_step]
    if every_seat:
        seat_ids = {(step_id, approver): id_ for id_, step_id, approver in await session.execute(
            _NEW_SEATS[dialect], [_seat_values(seat) for seat in every_seat])}
        for seat in every_seat:
            seat.id = seat_ids[(seat.step_id, seat.approver)]
    for step in steps:
        _as_loaded(session, step)
    for seat in every_seat:
        _as_loaded(session, seat)
    return [NewStep(step, of_step) for step, of_step in zip(steps, seats, strict=True)]


async def steps_of(
    session: AsyncSession, *, request_id: int, round_: int | None = None
) -> list[ApprovalStepRow]:
    """The steps of one round (default: the latest), in order."""
    if round_ is None:
        return list(await session.scalars(_STEPS_OF_LATEST, {"request_id": request_id}))
    return list(await session.scalars(_STEPS_OF_ROUND, {"request_id": request_id,
                                                        "round": round_}))


async def latest_seats(
    session: AsyncSession, *, request_id: int
) -> list[tuple[ApprovalStepRow, ApprovalSeatRow]]:
    """The seats of the latest round with their steps, by step then seat: one query where
    ``steps_of`` and ``seats_of`` of each step would take one per step and one more."""
    return [(step, seat) for step, seat in await session.execute(
        _LATEST_SEATS, {"request_id": request_id})]


async def get_step(session: AsyncSession, *, step_id: int) -> ApprovalStepRow | None:
    return (await session.scalars(_STEP, {"id": step_id})).first()


async def get_seat(session: AsyncSession, *, seat_id: int) -> ApprovalSeatRow | None:
    return await session.get(ApprovalSeatRow, seat_id, populate_existing=True)


async def seats_of(session: AsyncSession, *, step_id: int) -> list[ApprovalSeatRow]:
    return list(await session.scalars(_SEATS_OF, {"step_id": step_id}))


async def activate_step(session: AsyncSession, *, step: ApprovalStepRow, now: datetime) -> bool:
    """``waiting`` -> ``pending`` for the step and its seats; False if it was not waiting."""
    if not await _move_step(session, step.id or 0, ("waiting",), "pending", started_at=now):
        return False
    await session.execute(_SEATS_PENDING, {"of_step": step.id})
    _written(step, state="pending", started_at=now.astimezone(UTC))
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
    result = await session.execute(_DECIDE, {"seat_id": seat.id, "verdict": verdict,
                                             "actor": actor, "note": comment, "now": now})
    if not _changed_one(result):
        await session.refresh(seat)  # what it is instead
        return False
    _written(seat, state=verdict, decided_by=actor, comment=comment,
             decided_at=now.astimezone(UTC))
    return True


async def finish_step(
    session: AsyncSession, *, step: ApprovalStepRow, outcome: str, now: datetime
) -> bool:
    """A pending step ends as ``outcome``; its undecided seats are retired."""
    if outcome not in ("approved", "rejected"):
        raise ValueError(f"unknown step outcome {outcome!r}")
    if not await _move_step(session, step.id or 0, ("pending",), outcome, finished_at=now):
        return False
    await _retire_seats(session, [step.id or 0])
    _written(step, state=outcome, finished_at=now.astimezone(UTC))
    return True


async def cancel_open_steps(
    session: AsyncSession, *, request_id: int, because: str, now: datetime
) -> list[ApprovalStepRow]:
    """End every waiting or pending step of the request; ``because`` is restarted, withdrawn
    or rejected (a later step after an earlier one rejected)."""
    query = select(ApprovalStepRow).where(
        col(ApprovalStepRow.request_id) == request_id,
        col(ApprovalStepRow.state).in_(OPEN_STEP_STATES),
    ).execution_options(populate_existing=True)
    steps = list(await session.scalars(query))
    if not steps:
        return steps
    ids = [step.id or 0 for step in steps]
    await session.execute(
        update(_STEPS)
        .where(_STEPS.c.id.in_(ids), _STEPS.c.state.in_(OPEN_STEP_STATES))
        .values(state="cancelled", finished_at=now, ended_because=because))
    await _retire_seats(session, ids)
    for step in steps:
        _written(step, state="cancelled", finished_at=now.astimezone(UTC),
                 ended_because=because)
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
    names = tuple(sorted(values))
    statement = _MOVES.get(names)
    if statement is None:
        statement = _MOVES[names] = (
            update(_STEPS)
            .where(_STEPS.c.id == bindparam("step_id"),
                   _STEPS.c.state.in_(bindparam("from_states", expanding=True)))
            .values(state=bindparam("to_state"), **{n: bindparam(f"new_{n}") for n in names}))
    result = await session.execute(statement, {
        "step_id": step_id, "from_states": list(from_states), "to_state": to_state,
        **{f"new_{n}": value for n, value in values.items()}})
    return _changed_one(result)


async def _retire_seats(session: AsyncSession, step_ids: list[int]) -> None:
    assert "retired" in SEAT_STATES
    if step_ids:
        await session.execute(_RETIRE, {"step_ids": step_ids})


def _changed_one(result: Any) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _step_values(step: ApprovalStepRow) -> dict[str, Any]:
    """The columns an INSERT sets, except ``round``."""
    return {name: getattr(step, name) for name in (
        "request_id", "position", "total", "mode", "required", "state", "note", "started_at")}


def _seat_values(seat: ApprovalSeatRow) -> dict[str, Any]:
    return {"step_id": seat.step_id, "request_id": seat.request_id, "approver": seat.approver,
            "state": seat.state}


def _as_loaded(session: AsyncSession, row: ApprovalStepRow | ApprovalSeatRow) -> None:
    """Put a row just inserted with Core into the session, as if it had been read."""
    make_transient_to_detached(row)
    session.add(row)


def _written(row: ApprovalStepRow | ApprovalSeatRow, **values: Any) -> None:
    """What an UPDATE just wrote, set on the row held in memory without marking it changed."""
    for name, value in values.items():
        set_committed_value(row, name, value)


# --- moves: a seat handed over (转交), a seat added (加签) ---------------------------------

_HAND_OVER = (update(_SEATS).where(_SEATS.c.id == bindparam("seat_id"),
                                   _SEATS.c.state == "pending")
              .values(state="handed_over", handed_to=bindparam("to"),
                      decided_by=bindparam("actor"), comment=bindparam("note"),
                      decided_at=bindparam("now")))
_REOPEN = (update(_SEATS).where(_SEATS.c.id == bindparam("seat_id"),
                                _SEATS.c.state == "handed_over")
           .values(state="pending", handed_to=None, decided_by=None, comment=None,
                   decided_at=None, added_by=bindparam("added_by")))
_GROW = (update(_STEPS).where(_STEPS.c.id == bindparam("step_id"), _STEPS.c.state == "pending")
         .values(required=_STEPS.c.required + 1))
ACTIVE_SEAT_STATES = ("waiting", "pending", "approved", "rejected", "retired")


def active_seats(seats: Iterable[ApprovalSeatRow]) -> list[ApprovalSeatRow]:
    """The seats that count on a step: not those handed over to someone else."""
    return [seat for seat in seats if seat.state in ACTIVE_SEAT_STATES]


async def hand_over_seat(
    session: AsyncSession,
    *,
    seat: ApprovalSeatRow,
    to: str,
    actor: str,
    comment: str | None,
    now: datetime,
) -> ApprovalSeatRow | None:
    """A pending seat goes to ``to``: it becomes ``handed_over`` and ``to`` gets a pending seat
    on the same step (the one they handed over earlier, reopened, if there is one); it keeps the
    seat's ``added_by``. None when the seat was no longer pending."""
    result = await session.execute(_HAND_OVER, {"seat_id": seat.id, "to": to, "actor": actor,
                                                "note": comment, "now": now})
    if not _changed_one(result):
        await session.refresh(seat)
        return None
    _written(seat, state="handed_over", handed_to=to, decided_by=actor, comment=comment,
             decided_at=now.astimezone(UTC))
    return await _seat_for(session, seat.step_id, seat.request_id, to, added_by=seat.added_by)


async def add_seat(
    session: AsyncSession, *, step: ApprovalStepRow, approver: str, added_by: str
) -> ApprovalSeatRow | None:
    """``approver`` joins the pending ``step`` as a seat ``added_by`` someone; the step needs
    one approval more. None when the step was no longer pending."""
    if not _changed_one(await session.execute(_GROW, {"step_id": step.id})):
        return None
    _written(step, required=step.required + 1)
    return await _seat_for(session, step.id or 0, step.request_id, approver, added_by=added_by)


async def _seat_for(
    session: AsyncSession, step_id: int, request_id: int, approver: str, *,
    added_by: str | None,
) -> ApprovalSeatRow:
    """A pending seat of ``approver`` on the step: a new row, or their handed-over one reopened
    (a step has one row per approver)."""
    earlier = next((s for s in await seats_of(session, step_id=step_id)
                    if s.approver == approver), None)
    if earlier is not None:
        if not _changed_one(await session.execute(_REOPEN, {"seat_id": earlier.id,
                                                             "added_by": added_by})):
            raise RuntimeError(f"{approver} already holds a seat on step {step_id}")
        _written(earlier, state="pending", handed_to=None, decided_by=None, comment=None,
                 decided_at=None, added_by=added_by)
        return earlier
    seat = rows.built(ApprovalSeatRow, {
        "step_id": step_id, "request_id": request_id, "approver": approver, "state": "pending",
        "decided_by": None, "comment": None, "decided_at": None, "handed_to": None,
        "added_by": added_by})
    seat.id = (await session.execute(
        insert(_SEATS).values(**_seat_values(seat), added_by=added_by)
        .returning(_SEATS.c.id))).scalar_one()
    _as_loaded(session, seat)
    return seat


def added_undecided(seats: Iterable[ApprovalSeatRow]) -> int:
    """Seats added to the step (加签) that have yet to decide: the step cannot end before."""
    return sum(1 for seat in seats if seat.added_by and seat.state == "pending")
