"""Where a request is, in words: the current step, who holds it, since when, what happened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.features.approvals.cards import mode_text, seat_line
from bot.features.tasks.cards import group_name, state_text, title_of
from bot.features.time.clocks import clocks_of, policy_of
from bot.features.time.sla import Clock
from bot.features.time.spans import describe_span
from bot.people import name_of, names
from bot.turn import Turn
from bot.views import FINAL_STATUSES, local_time, owner_name
from chat.i18n import say
from chat.replies import CardField
from org.business_time import business_seconds_between
from org.model import Calendar
from store import approvals, tasks
from store.approvals import active_seats
from store.models import ApprovalStepRow, RequestRow, TaskRow
from store.tasks import format_task_id


@dataclass(frozen=True)
class Progress:
    step: str
    holder: str
    since: datetime
    history: tuple[CardField, ...] = ()


async def progress_of(turn: Turn, request: RequestRow) -> Progress:
    loc = turn.locale
    directory = turn.services.bundle.directory
    service = turn.services.bundle.catalog.get(request.service_id)
    steps = await approvals.steps_of(turn.session, request_id=request.id or 0)
    history = (*await sla_fields(turn, request), *await _approval_history(turn, steps))
    if request.status in FINAL_STATUSES:
        return Progress(say("req.step_done", loc), "-", request.updated_at, history)
    pending = next((s for s in steps if s.state == "pending"), None)
    if request.status == "pending_approval" and pending is not None:
        seats = await approvals.seats_of(turn.session, step_id=pending.id or 0)
        waiting = [s.approver for s in seats if s.state == "pending"]
        step = say("req.step_approval", loc, n=pending.position, total=pending.total,
                   mode=mode_text(pending, len(active_seats(seats)), loc))
        return Progress(step, names(directory, waiting, loc),
                        pending.started_at or request.updated_at, history)
    if request.status == "returned" and pending is not None:  # sent back: the requester has it
        step = say("ret.step_returned", loc, n=pending.position, total=pending.total)
        return Progress(step, name_of(directory, request.requester), request.updated_at,
                        history)
    if request.status in ("in_progress", "resolved"):
        return await _fulfilment(turn, request, history, approved=bool(steps))
    return Progress(say("req.step_waiting", loc), owner_name(directory, service, loc),
                    request.updated_at, history)


async def _approval_history(
    turn: Turn, steps: Sequence[ApprovalStepRow]
) -> tuple[CardField, ...]:
    lines = []
    for step in steps:
        if step.started_at is None:
            continue
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        decided = [seat_line(s, turn.services.bundle.directory, turn.person) for s in seats
                   if s.state in ("approved", "rejected", "handed_over")]
        if decided:
            lines.append(f"{step.position}/{step.total}: " + "; ".join(decided))
    if not lines:
        return ()
    return (CardField(say("req.field_approvals", turn.locale), "\n".join(lines)),)



async def _fulfilment(
    turn: Turn, request: RequestRow, history: tuple[CardField, ...], *, approved: bool
) -> Progress:
    """Which tasks are done, which is in whose hands since when, what waits for what."""
    loc = turn.locale
    directory = turn.services.bundle.directory
    service = turn.services.bundle.catalog.get(request.service_id)
    graph = [t for t in await tasks.tasks_of(turn.session, request_id=request.id or 0)
             if t.state not in ("skipped", "cancelled")]
    if not graph:
        step = say("req.step_fulfilment" if approved else "values.step_in_progress", loc)
        return Progress(step, owner_name(directory, service, loc),
                        request.updated_at, history)
    done = [t for t in graph if t.state == "done"]
    in_hand = [t for t in graph if t.state in ("claimed", "waiting_info")]
    ready = [t for t in graph if t.state == "ready"]
    step = (say("req.step_confirm", loc) if request.status == "resolved" else
            say("req.step_tasks", loc, done=len(done), total=len(graph)))
    holders = [name_of(directory, t.assignee) for t in in_hand]
    holders += [group_name(directory, t.group_id, loc) for t in ready]
    if request.status == "resolved":
        holders = [name_of(directory, request.requester)]
    since = max((t.claimed_at or t.ready_at or t.updated_at for t in [*in_hand, *ready]),
                default=request.updated_at)
    lines = _task_lines(turn, graph)
    holder = say("fmt.names_sep", turn.locale).join(dict.fromkeys(holders)) or "-"
    return Progress(step, holder, since, (*history, *lines))


def _task_lines(turn: Turn, graph: Sequence[TaskRow]) -> tuple[CardField, ...]:
    loc = turn.locale
    directory = turn.services.bundle.directory
    groups = (("req.tasks_done", ("done",)), ("req.tasks_open", ("claimed", "waiting_info")),
              ("req.tasks_queue", ("ready",)), ("req.tasks_waiting", ("blocked",)))
    fields = []
    for key, states in groups:
        lines = [f"{format_task_id(t.id or 0)} {title_of(t, loc)}: "
                 f"{state_text(t, graph, turn.person, directory)}"
                 for t in graph if t.state in states]
        if lines:
            fields.append(CardField(say(key, loc), "\n".join(lines)))
    return tuple(fields)



CLOCK_KEYS = {"response": "time.response", "resolution": "time.resolution"}


async def sla_fields(turn: Turn, request: RequestRow) -> tuple[CardField, ...]:
    """Response and resolution due times in the viewer's time zone and in business terms."""
    service = turn.services.bundle.catalog.get(request.service_id)
    calendar = policy_of(turn, service).calendar
    return tuple(CardField(say(CLOCK_KEYS[clock.kind], turn.locale),
                           due_text(turn, clock, calendar))
                 for clock in await clocks_of(turn, request)
                 if clock.kind in ("response", "resolution"))


def due_text(turn: Turn, clock: Clock, calendar: Calendar | None) -> str:
    loc = turn.locale
    if clock.stopped_at is not None:
        return say("time.due_missed" if clock.late else "time.due_met", loc)
    if clock.due_at is None:
        return say("time.due_paused", loc)
    due = local_time(clock.due_at, turn.person)
    early, late = sorted((turn.now, clock.due_at))
    if clock.target.business and calendar is not None:
        hours = business_seconds_between(calendar, early, late) / 3600
        span = say("time.working", loc, n=f"{hours:.1f}".rstrip("0").rstrip("."))
    else:
        span = describe_span(late - early, loc)
    key = "time.due_over" if turn.now > clock.due_at else "time.due_left"
    return say(key, loc, due=due, over=span, left=span)
