"""One request's whole story for the console: answers, the approval chain with each decision,
tasks with their holders and times, SLA clocks, exceptions and the timeline of its audit trail,
in the viewer's locale and time zone. ``as_json`` is the page's JSON twin."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.events import event_line
from bot.features.time.policy import policy_for
from bot.features.time.sla import Clock, Event, request_clocks
from bot.people import name_of
from bot.services import Services
from bot.views import answer_fields, local_time, service_name, status_label
from chat.i18n import say
from chat.locale import Locale
from org.model import Directory, Person
from store import approvals, audit, exceptions, tasks
from store.exceptions import format_exception_id
from store.models import (
    ApprovalSeatRow,
    ApprovalStepRow,
    AuditEventRow,
    ExceptionGrantRow,
    RequestRow,
    TaskRow,
)
from store.requests import format_request_id
from store.tasks import format_task_id

STATE_KEYS = {
    "waiting": "web.state.waiting", "pending": "web.state.pending",
    "approved": "web.state.approved", "rejected": "web.state.rejected",
    "cancelled": "web.state.cancelled", "retired": "web.state.retired",
    "handed_over": "web.state.handed_over", "blocked": "web.state.blocked",
    "ready": "web.state.ready", "claimed": "web.state.claimed",
    "waiting_info": "web.state.waiting_info", "done": "web.state.done",
    "skipped": "web.state.skipped", "draft": "web.state.draft",
    "requested": "web.state.requested", "granted": "web.state.granted",
    "denied": "web.state.denied", "ended": "web.state.ended",
}
CLOCK_KEYS = {"response": "web.clock.response", "resolution": "web.clock.resolution",
              "task": "web.clock.task"}


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


@dataclass(frozen=True)
class Decision:
    approver: str  # the seat's person (name)
    state: str  # the seat's state, raw
    state_label: str
    decided_by: str | None  # who decided, when not the approver (a delegate)
    at: str | None
    comment: str | None
    handed_to: str | None


@dataclass(frozen=True)
class Step:
    position: int
    total: int
    mode: str
    state: str
    state_label: str
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class TaskLine:
    id: str
    title: str
    group: str
    state: str
    state_label: str
    holder: str | None
    ready_at: str | None
    claimed_at: str | None
    done_at: str | None
    note: str | None


@dataclass(frozen=True)
class ClockLine:
    kind: str
    label: str
    target: str
    used_hours: float
    due_at: str | None
    stopped_at: str | None
    late: bool
    expedited: bool


@dataclass(frozen=True)
class ExceptionLine:
    id: str
    kind: str
    state: str
    state_label: str
    requested_by: str
    ends_at: str | None
    reason: str | None


@dataclass(frozen=True)
class TimelineLine:
    at: str
    action: str
    actor: str
    on_behalf_of: str | None
    text: str


@dataclass(frozen=True)
class RequestStory:
    id: str
    title: str
    service: str
    service_id: str
    status: str
    status_label: str
    status_reason: str | None
    requester: str
    requester_id: str
    submitted_at: str
    updated_at: str
    answers: tuple[Answer, ...]
    steps: tuple[Step, ...]
    tasks: tuple[TaskLine, ...]
    clocks: tuple[ClockLine, ...]
    exceptions: tuple[ExceptionLine, ...]
    timeline: tuple[TimelineLine, ...]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def story_of(session: AsyncSession, services: Services, request: RequestRow,
                   viewer: Person, locale: str) -> RequestStory:
    number = request.id or 0
    rid = format_request_id(number)
    bundle = services.bundle
    directory = bundle.directory
    service = bundle.catalog.get(request.service_id)
    events = await audit.events_for(session, subject=rid)
    shown = replace(viewer, locale=cast(Locale, locale))  # times in their zone, words in this
    when = _when(shown)
    return RequestStory(
        id=rid, title=request.title, service=service_name(service, request, locale),
        service_id=request.service_id, status=request.status,
        status_label=status_label(request.status, locale), status_reason=request.status_reason,
        requester=name_of(directory, request.requester), requester_id=request.requester,
        submitted_at=when(request.created_at) or "", updated_at=when(request.updated_at) or "",
        answers=tuple(Answer(f.label, f.value)
                      for f in answer_fields(request, service, shown, directory)),
        steps=_steps(await approvals.latest_seats(session, request_id=number), directory,
                     locale, when),
        tasks=tuple(_task(t, directory, locale, when)
                    for t in await tasks.tasks_of(session, request_id=number)),
        clocks=_clocks(request, events, services, locale, when),
        exceptions=tuple(_exception(e, directory, locale, when)
                         for e in await exceptions.of_request(session, request_id=number)),
        timeline=tuple(_line(e, directory, locale, when) for e in events),
    )


def _when(viewer: Person) -> Any:
    def when(moment: datetime | None) -> str | None:
        return local_time(moment, viewer) if moment else None
    return when


def _state(state: str, locale: str) -> str:
    key = STATE_KEYS.get(state)
    return say(key, locale) if key else state


def _steps(rows: list[tuple[ApprovalStepRow, ApprovalSeatRow]], directory: Directory,
           locale: str, when: Any) -> tuple[Step, ...]:
    steps: dict[int, tuple[ApprovalStepRow, list[Decision]]] = {}
    for step, seat in rows:
        decided_by = seat.decided_by if seat.decided_by and seat.decided_by != seat.approver \
            else None
        steps.setdefault(step.id or 0, (step, []))[1].append(Decision(
            approver=name_of(directory, seat.approver), state=seat.state,
            state_label=_state(seat.state, locale),
            decided_by=name_of(directory, decided_by) if decided_by else None,
            at=when(seat.decided_at), comment=seat.comment or None,
            handed_to=name_of(directory, seat.handed_to) if seat.handed_to else None))
    return tuple(Step(s.position, s.total, s.mode, s.state, _state(s.state, locale),
                      tuple(decisions)) for s, decisions in steps.values())


def _task(task: TaskRow, directory: Directory, locale: str, when: Any) -> TaskLine:
    group = directory.groups.get(task.group_id)
    return TaskLine(
        id=format_task_id(task.id or 0),
        title=str(task.title.get(locale) or task.title.get("en") or task.key),
        group=group.name.get(locale) if group else task.group_id, state=task.state,
        state_label=_state(task.state, locale),
        holder=name_of(directory, task.assignee) if task.assignee else None,
        ready_at=when(task.ready_at), claimed_at=when(task.claimed_at),
        done_at=when(task.done_at), note=task.note)


def _clocks(request: RequestRow, events: list[AuditEventRow], services: Services, locale: str,
            when: Any) -> tuple[ClockLine, ...]:
    service = services.bundle.catalog.get(request.service_id)
    if service is None:
        return ()
    calendar = policy_for(service, services.settings.policies.durations(),
                          services.bundle).calendar
    trail = [Event(e.at, e.action, dict(e.data)) for e in events]
    return tuple(_clock(c, locale, when)
                 for c in request_clocks(trail, service, calendar, services.clock()))


def _clock(clock: Clock, locale: str, when: Any) -> ClockLine:
    label = say(CLOCK_KEYS.get(clock.kind, "web.clock.task"), locale)
    return ClockLine(kind=clock.kind, label=f"{label} {clock.task}" if clock.task else label,
                     target=str(clock.target),
                     used_hours=round(clock.used.total_seconds() / 3600, 2),
                     due_at=when(clock.due_at), stopped_at=when(clock.stopped_at),
                     late=clock.late, expedited=clock.expedited)


def _exception(row: ExceptionGrantRow, directory: Directory, locale: str,
               when: Any) -> ExceptionLine:
    return ExceptionLine(id=format_exception_id(row.id or 0), kind=row.kind, state=row.state,
                         state_label=_state(row.state, locale),
                         requested_by=name_of(directory, row.requested_by),
                         ends_at=when(row.ends_at),
                         reason=row.reason_text or row.reason)


def _line(event: AuditEventRow, directory: Directory, locale: str, when: Any) -> TimelineLine:
    actor = name_of(directory, event.actor)
    principal = name_of(directory, event.on_behalf_of) if event.on_behalf_of else None
    return TimelineLine(at=when(event.at) or "", action=event.action, actor=actor,
                        on_behalf_of=principal,
                        text=event_line(event.action, dict(event.data or {}), actor, principal,
                                        locale))
