"""Approval steps and seats: a round is written started, counted up, read back, and every
change the store makes shows on the rows the caller holds exactly as a fresh read would."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from store import approvals, delegations, requests
from store.approvals import StepPlan
from store.db import Database
from store.models import ApprovalSeatRow, ApprovalStepRow

PLANS = (StepPlan(("bob",), "any", 1),
         StepPlan(("henry", "grace", "leo"), "quorum", 2, note="step 2: by the book"))


async def _request(db: Database, now: datetime) -> int:
    async with db.unit_of_work() as uow:
        row = await requests.create_request(
            uow.session, service_id="fin.expense", service_version="sha:1", requester="alice",
            title="差旅报销", answers={"amount": 30000}, locale="zh", origin={}, now=now)
        return row.id or 0


def _step(row: ApprovalStepRow) -> tuple[object, ...]:
    return (row.id, row.request_id, row.round, row.position, row.total, row.mode, row.required,
            row.state, row.note, row.ended_because, row.started_at, row.finished_at)


def _seat(row: ApprovalSeatRow) -> tuple[object, ...]:
    return (row.id, row.step_id, row.request_id, row.approver, row.state, row.decided_by,
            row.comment, row.decided_at)


async def _fresh(db: Database, request_id: int
                 ) -> tuple[list[tuple[object, ...]], list[list[tuple[object, ...]]]]:
    """The latest round as a new transaction reads it."""
    async with db.unit_of_work() as uow:
        steps = await approvals.steps_of(uow.session, request_id=request_id)
        seats = [[_seat(s) for s in await approvals.seats_of(uow.session, step_id=step.id or 0)]
                 for step in steps]
        return [_step(s) for s in steps], seats


async def test_a_new_round_starts_its_first_step_at_once(db: Database, now: datetime) -> None:
    request_id = await _request(db, now)
    async with db.unit_of_work() as uow:
        created = await approvals.create_round(uow.session, request_id=request_id, plans=PLANS,
                                               start_at=now)
        held_steps = [_step(c.step) for c in created]
        held_seats = [[_seat(s) for s in c.seats] for c in created]
        again = await approvals.steps_of(uow.session, request_id=request_id)
        assert [id(s.step) for s in created] == [id(s) for s in again]  # the rows, in session
    assert (held_steps, held_seats) == await _fresh(db, request_id)
    first, second = held_steps
    assert first[2:] == (1, 1, 2, "any", 1, "pending", None, None, now, None)
    assert second[2:] == (1, 2, 2, "quorum", 2, "waiting", "step 2: by the book", None, None,
                          None)
    assert [(s[3], s[4]) for s in held_seats[0]] == [("bob", "pending")]
    assert [(s[3], s[4]) for s in held_seats[1]] == [
        ("henry", "waiting"), ("grace", "waiting"), ("leo", "waiting")]
    assert [s[0] for s in held_seats[1]] == sorted(s[0] for s in held_seats[1])  # plan order


async def test_rounds_count_up_and_the_latest_is_the_default(db: Database, now: datetime) -> None:
    request_id = await _request(db, now)
    other = await _request(db, now)
    async with db.unit_of_work() as uow:
        assert await approvals.steps_of(uow.session, request_id=request_id) == []
        await approvals.create_round(uow.session, request_id=other, plans=PLANS)
        for expected in (1, 2, 3):
            [only] = await approvals.create_round(uow.session, request_id=request_id,
                                                  plans=PLANS[:1])
            assert only.step.round == expected and only.step.state == "waiting"
        assert await approvals.current_round(uow.session, request_id=request_id) == 3
        latest = await approvals.steps_of(uow.session, request_id=request_id)
        first = await approvals.steps_of(uow.session, request_id=request_id, round_=1)
    assert [s.round for s in latest] == [3] and [s.round for s in first] == [1]


async def test_changes_show_on_held_rows_as_a_fresh_read_would(
    db: Database, now: datetime
) -> None:
    request_id = await _request(db, now)
    later, last = now + timedelta(hours=1), now + timedelta(hours=2)
    async with db.unit_of_work() as uow:
        created = await approvals.create_round(uow.session, request_id=request_id, plans=PLANS,
                                               start_at=now)
        [bob] = created[0].seats
        assert await approvals.decide_seat(uow.session, seat=bob, verdict="approved",
                                           actor="carol", comment="ok", now=later)
        assert not await approvals.decide_seat(uow.session, seat=bob, verdict="rejected",
                                               actor="bob", comment=None, now=later)
        assert await approvals.finish_step(uow.session, step=created[0].step,
                                           outcome="approved", now=later)
        second = created[1].step
        assert await approvals.activate_step(uow.session, step=second, now=later)
        assert not await approvals.activate_step(uow.session, step=second, now=later)
        grace = (await approvals.seats_of(uow.session, step_id=second.id or 0))[1]
        assert grace.approver == "grace"
        assert await approvals.decide_seat(uow.session, seat=grace, verdict="approved",
                                           actor="grace", comment=None, now=last)
        ended = await approvals.cancel_open_steps(uow.session, request_id=request_id,
                                                  because="withdrawn", now=last)
        assert [id(s) for s in ended] == [id(second)]
        held = ([_step(c.step) for c in created], [_seat(bob), _seat(grace)])
    steps, seats = await _fresh(db, request_id)
    assert held == (steps, [seats[0][0], seats[1][1]])
    assert steps[0][7:] == ("approved", None, None, now, later)
    assert steps[1][7:] == ("cancelled", "step 2: by the book", "withdrawn", later, last)
    assert seats[0][0][4:] == ("approved", "carol", "ok", later)
    assert [s[4] for s in seats[1]] == ["retired", "approved", "retired"]


async def test_live_delegations_of_several_people_in_one_read(db: Database, now: datetime
                                                              ) -> None:
    today = date(2026, 3, 2)
    async with db.unit_of_work() as uow:
        for who, to, first, last in (("bob", "carol", 0, 5), ("bob", "dave", 2, 3),
                                     ("erin", None, 0, 1), ("frank", "gina", -3, -1),
                                     ("gina", "bob", 0, 9)):
            row = await delegations.add(uow.session, from_person=who, to_person=to,
                                        starts_on=today + timedelta(days=first),
                                        ends_on=today + timedelta(days=last), now=now)
            if who == "gina":
                await delegations.cancel(uow.session, row=row, now=now)
    async with db.unit_of_work() as uow:
        people = ["bob", "erin", "frank", "gina", "zoe"]
        each = await delegations.live_for_each(uow.session, from_people=people, on=today)
        one = {p: await delegations.live_for(uow.session, from_person=p, on=today)
               for p in people}
    assert {p: [r.to_person for r in rows] for p, rows in each.items()} == {
        "bob": ["dave", "carol"], "erin": [None]}
    assert {p: [r.id for r in rows] for p, rows in each.items()} == {
        p: [r.id for r in rows] for p, rows in one.items() if rows}


async def test_latest_seats_reads_the_latest_round_in_one_query_as_steps_and_seats_do(
    db: Database, now: datetime
) -> None:
    request_id = await _request(db, now)
    async with db.unit_of_work() as uow:
        await approvals.create_round(uow.session, request_id=request_id, plans=PLANS)
        await approvals.create_round(uow.session, request_id=request_id, plans=PLANS,
                                     start_at=now)
    steps, seats = await _fresh(db, request_id)
    async with db.unit_of_work() as uow:
        pairs = await approvals.latest_seats(uow.session, request_id=request_id)
        got = [(_step(step), _seat(seat)) for step, seat in pairs]
        assert await approvals.latest_seats(uow.session, request_id=request_id + 99) == []
    assert got == [(step, seat) for step, of_step in zip(steps, seats, strict=True)
                   for seat in of_step]
    assert {step[2] for step, _seat_ in got} == {2}
