"""Keep a request's timers in step with its history.

After every turn that changed a request (and by ``esmbot sla recompute``), its SLA clocks are
derived again from the audit trail (read once, and folded into the request's
``request_fact`` row for the metrics in the same transaction) and its timers are made to
match: a reminder or breach for every running clock, nothing for paused or stopped ones, an
approval reminder and escalation for every open seat, a confirmation timeout while it waits
to be confirmed. A timer already pending at the right moment is kept; one at the wrong moment
is replaced; one no longer needed is cancelled; one that already fired for the same moment is
not scheduled again. So every timer is written in the same transaction as its cause.

This runs after nearly every turn, so the timers of the request, its tasks and its seats are
read in one query (``TimerBook``) and the decisions are made in memory: only what changes is
written (a turn that moves no clock writes nothing here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.time import fact_rows
from bot.features.time.clocks import clocks_of, policy_of
from bot.features.time.policy import Policy
from bot.features.time.sla import Clock, Event
from bot.features.time.subjects import subject_of
from bot.turn import Turn
from org.business_time import add_working_time, length_of
from org.model import Calendar, Duration
from store import approvals, facts, requests, tasks, timers
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestRow, TaskRow, TimerRow
from store.requests import format_request_id, parse_request_id
from store.tasks import parse_task_id
from store.timers import Moment

EXPEDITED_SCALE = 0.5  # an expedite exception: reminders use the service's policies halved
SLA_KINDS = ("task.remind", "task.breach")
TASK_KINDS = (*SLA_KINDS, "task.escalate")
REQUEST_KINDS = ("request.breach", "confirm.timeout")
SEAT_KINDS = ("approval.remind", "approval.escalate")
FIRED = ("claimed", "done", "dead")  # fired, or tried to, for their moment

Seat = tuple[ApprovalStepRow, ApprovalSeatRow]


class TimerBook:
    """The timers of some subjects as read once (not cancelled ones), and the writes that
    bring them in line: nothing is written where they already are."""

    def __init__(self, session: AsyncSession, now: datetime,
                 rows: Iterable[TimerRow | Moment]) -> None:
        self.session = session
        self.now = now
        self._pending: dict[tuple[str, str], list[TimerRow | Moment]] = {}
        self._fired: set[tuple[str, str, datetime]] = set()
        for row in rows:
            if row.state == "pending":
                self._pending.setdefault((row.subject, row.kind), []).append(row)
            elif row.state in FIRED:
                self._fired.add((row.subject, row.kind, row.due_at))

    @classmethod
    async def of(cls, session: AsyncSession, now: datetime, subjects: Iterable[str]) -> TimerBook:
        """Read the timers about ``subjects``, all kinds, in one query."""
        return cls(session, now, await timers.moments_of(session, subjects=set(subjects)))

    async def keep_or_replace(self, kind: str, subject: str, due_at: datetime, *,
                              recipient: str | None = None) -> None:
        """One pending timer of ``kind`` for ``subject`` at ``due_at``: keep it, or replace it.

        Not scheduled again when one already fired for this very moment: never twice.
        """
        pending = self._pending.get((subject, kind), [])
        if len(pending) == 1 and pending[0].due_at == due_at:
            return
        if (subject, kind, due_at) in self._fired:
            return
        await timers.schedule(self.session, kind=kind, subject=subject, due_at=due_at,
                              now=self.now, recipient=recipient, replace=bool(pending))

    async def cancel(self, subject: str, kinds: Sequence[str]) -> None:
        """Cancel the pending timers of ``kinds`` about ``subject``, if there are any."""
        if any(self._pending.get((subject, kind)) for kind in kinds):
            await timers.cancel(self.session, subject=subject, now=self.now, kinds=kinds)


async def resync(turn: Turn, request_id: int) -> None:
    request = await requests.get_request(turn.session, request_id=request_id)
    if request is None:
        return
    service = turn.services.bundle.catalog.get(request.service_id)
    policy = policy_of(turn, service)
    trail = await facts.links_of(turn.session, format_request_id(request.id or 0))
    await fact_rows.refresh(turn.session, turn.services, request, trail)
    clocks = await clocks_of(turn, request, [Event(r.at, r.action, dict(r.data)) for r in trail])
    request_tasks = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    seats = await _seats_of(turn, request)
    subjects = [subject_of("request", request.id),
                *(subject_of("task", task.id) for task in request_tasks),
                *(subject_of("seat", seat.id) for _step, seat in seats)]
    book = await TimerBook.of(turn.session, turn.now, subjects)
    scale = EXPEDITED_SCALE if any(c.expedited for c in clocks) else 1.0
    await _sync_tasks(turn, book, request_tasks, clocks, policy, scale)
    await _sync_request(turn, book, request, clocks, policy)
    await _sync_seats(book, seats, policy, paused=request.status == "returned", scale=scale)


async def _seats_of(turn: Turn, request: RequestRow) -> list[Seat]:
    """The seats of the request's latest round, with their steps."""
    return await approvals.latest_seats(turn.session, request_id=request.id or 0)


async def _sync_tasks(turn: Turn, book: TimerBook, request_tasks: Sequence[TaskRow],
                      clocks: list[Clock], policy: Policy, scale: float = 1.0) -> None:
    running = {parse_task_id(c.task or ""): c for c in clocks if c.kind == "task"}
    for task in request_tasks:
        subject = subject_of("task", task.id)
        clock = running.get(task.id)
        if clock is None or clock.due_at is None:
            await book.cancel(subject, TASK_KINDS)
            continue
        remind_at = _reminder_at(policy, clock, scale)
        await book.keep_or_replace("task.breach", subject, clock.due_at)
        if remind_at is not None and remind_at > turn.now:
            await book.keep_or_replace("task.remind", subject, remind_at)


def _reminder_at(policy: Policy, clock: Clock, scale: float = 1.0) -> datetime | None:
    """``task_reminder_before`` ahead of the breach, counted the way the clock counts."""
    calendar = policy.calendar
    business = clock.target.business or policy.task_reminder_before.business
    if clock.running_since is None or (business and calendar is None):
        return None
    before = length_of(calendar or _NO_CALENDAR, policy.task_reminder_before) * scale
    left = length_of(calendar or _NO_CALENDAR, clock.target) - clock.used - before
    if left <= timedelta():
        return None
    if clock.target.business and calendar is not None:
        return add_working_time(calendar, clock.running_since, left)
    return clock.running_since + left


async def _sync_request(turn: Turn, book: TimerBook, request: RequestRow, clocks: list[Clock],
                        policy: Policy) -> None:
    subject = subject_of("request", request.id)
    resolution = next((c for c in clocks if c.kind == "resolution"), None)
    if resolution is not None and resolution.due_at is not None:
        await book.keep_or_replace("request.breach", subject, resolution.due_at)
    else:
        await book.cancel(subject, ("request.breach",))
    service = turn.services.bundle.catalog.get(request.service_id)
    confirming = (request.status == "resolved" and service is not None
                  and service.completion.confirm_by_requester)
    if confirming:
        due = policy.after(request.updated_at, policy.confirm_timeout)
        await book.keep_or_replace("confirm.timeout", subject, due)
    else:
        await book.cancel(subject, ("confirm.timeout",))


async def _sync_seats(book: TimerBook, seats: Sequence[Seat], policy: Policy, *,
                      paused: bool = False, scale: float = 1.0) -> None:
    """``paused``: the request is sent back to its requester, its approvers are not chased."""
    for step, seat in seats:
        subject = subject_of("seat", seat.id)
        if seat.state != "pending" or step.started_at is None or paused:
            await book.cancel(subject, SEAT_KINDS)
            continue
        opened = step.started_at
        await book.keep_or_replace("approval.remind", subject,
                                   _after(policy, opened, policy.approval_reminder, scale),
                                   recipient=seat.approver)
        await book.keep_or_replace("approval.escalate", subject,
                                   _after(policy, opened, policy.approval_escalation, scale),
                                   recipient=seat.approver)


def _after(policy: Policy, start: datetime, duration: Duration, scale: float) -> datetime:
    """``policy.after``, with the duration scaled (an expedite halves reminder policies)."""
    if scale == 1.0:
        return policy.after(start, duration)
    calendar = policy.calendar
    if duration.business and calendar is not None:
        return add_working_time(calendar, start, length_of(calendar, duration) * scale)
    return start + length_of(calendar or _NO_CALENDAR, duration) * scale


_NO_CALENDAR = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())


async def resync_touched(turn: Turn) -> None:
    """Bring the timers of every request this turn changed in line with its history."""
    for subject in sorted(turn.touched):
        request_id = parse_request_id(subject)
        if request_id is not None:
            await resync(turn, request_id)
    turn.touched.clear()
