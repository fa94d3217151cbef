"""Seats handed over (转交) and added (加签): each change happens once, shows on the rows held as
a fresh read would, and a seat handed back is the same row again."""

from __future__ import annotations

from datetime import datetime

from store import approvals
from store.approvals import StepPlan, active_seats, added_undecided
from store.db import Database
from tests.store.test_approvals import _fresh, _request, _seat, _step


async def test_a_seat_is_handed_over_once_and_back_to_the_same_row(
    db: Database, now: datetime
) -> None:
    request_id = await _request(db, now)
    async with db.unit_of_work() as uow:
        [first] = await approvals.create_round(uow.session, request_id=request_id,
                                               plans=[StepPlan(("bob",), "all", 1)], start_at=now)
        bob = first.seats[0]
        carol = await approvals.hand_over_seat(uow.session, seat=bob, to="carol", actor="bob",
                                               comment="休假", now=now)
        assert carol is not None and carol.state == "pending" and carol.added_by is None
        assert (bob.state, bob.handed_to, bob.decided_by, bob.comment) == (
            "handed_over", "carol", "bob", "休假")
        assert await approvals.hand_over_seat(uow.session, seat=bob, to="dave", actor="bob",
                                              comment=None, now=now) is None  # not pending
        held = [_seat(s) for s in (bob, carol)]
    _, [fresh] = await _fresh(db, request_id)
    assert fresh == held
    async with db.unit_of_work() as uow:
        seats = await approvals.seats_of(uow.session, step_id=first.step.id or 0)
        back = await approvals.hand_over_seat(uow.session, seat=seats[1], to="bob",
                                              actor="carol", comment=None, now=now)
        assert back is not None and back.id == bob.id and back.state == "pending"
        assert [s.approver for s in active_seats(
            await approvals.seats_of(uow.session, step_id=first.step.id or 0))] == ["bob"]


async def test_an_added_seat_raises_the_count_and_holds_the_step(
    db: Database, now: datetime
) -> None:
    request_id = await _request(db, now)
    async with db.unit_of_work() as uow:
        [first] = await approvals.create_round(uow.session, request_id=request_id,
                                               plans=[StepPlan(("bob", "erin"), "any", 1)],
                                               start_at=now)
        dave = await approvals.add_seat(uow.session, step=first.step, approver="dave",
                                        added_by="bob")
        assert dave is not None and (dave.state, dave.added_by) == ("pending", "bob")
        assert first.step.required == 2
        seats = await approvals.seats_of(uow.session, step_id=first.step.id or 0)
        assert added_undecided(seats) == 1
        await approvals.decide_seat(uow.session, seat=dave, verdict="approved", actor="dave",
                                    comment=None, now=now)
        assert added_undecided(seats) == 0
        held = _step(first.step)
        assert await approvals.finish_step(uow.session, step=first.step, outcome="approved",
                                           now=now)
        assert await approvals.add_seat(uow.session, step=first.step, approver="leo",
                                        added_by="bob") is None  # the step has ended
    [fresh_step], _ = await _fresh(db, request_id)
    assert fresh_step[6] == held[6] == 2
