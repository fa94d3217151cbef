"""Keep a request's timers in step with its history.

After every turn that changed a request (and by ``esmbot sla recompute``), its SLA clocks are
derived again from the audit trail and its timers are made to match: a reminder or breach for
every running clock, nothing for paused or stopped ones, an approval reminder and escalation
for every open seat, a confirmation timeout while it waits to be confirmed. A timer already
pending at the right moment is kept; one at the wrong moment is replaced; one no longer
needed is cancelled. So every timer is written in the same transaction as its cause.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.timekeeping.clocks import clocks_of, policy_of
from bot.timekeeping.policy import Policy
from bot.timekeeping.sla import Clock
from bot.turn import Turn
from dialogs.model import Calendar
from scheduler.business_time import add_working_time, length_of
from store import approvals, requests, tasks, timers
from store.models import RequestRow, TimerRow
from store.tasks import parse_task_id

SLA_KINDS = ("task.remind", "task.breach")
REQUEST_KINDS = ("request.breach", "confirm.timeout")
SEAT_KINDS = ("approval.remind", "approval.escalate")


async def resync(turn: Turn, request_id: int) -> None:
    request = await requests.get_request(turn.session, request_id=request_id)
    if request is None:
        return
    service = turn.services.bundle.catalog.get(request.service_id)
    policy = policy_of(turn, service)
    clocks = await clocks_of(turn, request)
    await _sync_tasks(turn, request, clocks, policy)
    await _sync_request(turn, request, clocks, policy)
    await _sync_seats(turn, request, policy)


async def _sync_tasks(turn: Turn, request: RequestRow, clocks: list[Clock], policy: Policy
                      ) -> None:
    running = {parse_task_id(c.task or ""): c for c in clocks if c.kind == "task"}
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
        subject = f"task:{task.id}"
        clock = running.get(task.id)
        if clock is None or clock.due_at is None:
            await timers.cancel(turn.session, subject=subject, now=turn.now,
                                kinds=(*SLA_KINDS, "task.escalate"))
            continue
        remind_at = _reminder_at(policy, clock)
        await keep_or_replace(turn.session, "task.breach", subject, clock.due_at, turn.now)
        if remind_at is not None and remind_at > turn.now:
            await keep_or_replace(turn.session, "task.remind", subject, remind_at, turn.now)


def _reminder_at(policy: Policy, clock: Clock) -> datetime | None:
    """``task_reminder_before`` ahead of the breach, counted the way the clock counts."""
    calendar = policy.calendar
    business = clock.target.business or policy.task_reminder_before.business
    if clock.running_since is None or (business and calendar is None):
        return None
    before = length_of(calendar or _NO_CALENDAR, policy.task_reminder_before)
    left = length_of(calendar or _NO_CALENDAR, clock.target) - clock.used - before
    if left <= timedelta():
        return None
    if clock.target.business and calendar is not None:
        return add_working_time(calendar, clock.running_since, left)
    return clock.running_since + left


async def _sync_request(turn: Turn, request: RequestRow, clocks: list[Clock], policy: Policy
                        ) -> None:
    subject = f"request:{request.id}"
    resolution = next((c for c in clocks if c.kind == "resolution"), None)
    if resolution is not None and resolution.due_at is not None:
        await keep_or_replace(turn.session, "request.breach", subject, resolution.due_at,
                              turn.now)
    else:
        await timers.cancel(turn.session, subject=subject, now=turn.now,
                            kinds=("request.breach",))
    service = turn.services.bundle.catalog.get(request.service_id)
    confirming = (request.status == "resolved" and service is not None
                  and service.completion.confirm_by_requester)
    if confirming:
        due = policy.after(request.updated_at, policy.confirm_timeout)
        await keep_or_replace(turn.session, "confirm.timeout", subject, due, turn.now)
    else:
        await timers.cancel(turn.session, subject=subject, now=turn.now,
                            kinds=("confirm.timeout",))


async def _sync_seats(turn: Turn, request: RequestRow, policy: Policy) -> None:
    for step in await approvals.steps_of(turn.session, request_id=request.id or 0):
        for seat in await approvals.seats_of(turn.session, step_id=step.id or 0):
            subject = f"seat:{seat.id}"
            if seat.state != "pending" or step.started_at is None:
                await timers.cancel(turn.session, subject=subject, now=turn.now,
                                    kinds=SEAT_KINDS)
                continue
            opened = step.started_at
            await keep_or_replace(turn.session, "approval.remind", subject,
                                  policy.after(opened, policy.approval_reminder), turn.now,
                                  recipient=seat.approver)
            await keep_or_replace(turn.session, "approval.escalate", subject,
                                  policy.after(opened, policy.approval_escalation), turn.now,
                                  recipient=seat.approver)


async def keep_or_replace(
    session: AsyncSession, kind: str, subject: str, due_at: datetime, now: datetime,
    *, recipient: str | None = None,
) -> None:
    """One pending timer of ``kind`` for ``subject`` at ``due_at``: keep it, or replace it."""
    pending = [t for t in await timers.pending_of(session, subject=subject) if t.kind == kind]
    if len(pending) == 1 and pending[0].due_at == due_at:
        return
    if await _fired_at(session, kind, subject, due_at):
        return  # it already fired for this very moment: never twice
    await timers.schedule(session, kind=kind, subject=subject, due_at=due_at, now=now,
                          recipient=recipient, replace=True)


async def _fired_at(session: AsyncSession, kind: str, subject: str, due_at: datetime) -> bool:
    query = select(func.count()).select_from(TimerRow).where(
        col(TimerRow.kind) == kind, col(TimerRow.subject) == subject,
        col(TimerRow.due_at) == due_at, col(TimerRow.state).in_(("claimed", "done", "dead")))
    return bool(await session.scalar(query))


_NO_CALENDAR = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())
