"""A request's facts for the metrics (issue 19), folded from its audit trail.

Pure and deterministic: the trail (in ``seq`` order), the service and its calendar in, one
``RequestFacts`` out; nothing depends on the moment of folding, so folding again gives the same
row (``esmbot metrics rebuild``). docs/metrics.md, "Efficiency", says what each fact means:

- **completion**: submitted -> the first ``request.resolved``, wall-clock and business seconds.
- **SLA at the first resolution**: the clocks of ``bot.features.time.sla`` evaluated on the
  trail cut at the first ``request.resolved`` (pauses excluded, an expedite exception that held
  then applied): late or not. Before the first resolution the response outcome is known once the
  response clock stopped; the resolution outcome is None.
- **stages**: a partition of [submitted, first resolved): each moment in exactly one stage, by
  priority requester_wait (an info request or a send-back open) > approval (an approval step
  pending) > work (a task claimed) > claim_wait (a task ready, none claimed) > other; and
  ``confirmation``, the time spent in ``resolved`` before it was closed or reopened (counted
  once that time ended).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.features.time.sla import RESPONSE_STOPS, Clock, Event, request_clocks
from dialogs.model import Service
from org.business_time import business_seconds_between
from org.model import Calendar
from store.exceptions import REVIEW_TASK_KEY

STAGES = ("approval", "claim_wait", "work", "requester_wait", "confirmation", "other")
OPEN_STATUSES = ("submitted", "pending_approval", "in_progress", "returned")
FINAL_STATUSES = ("closed", "rejected", "withdrawn")
NEED_INFO = ("task.info_requested", "approval.sent_back")
STATUS_OF = {  # the request's status after each action that moves it (as replay.py folds it)
    "request.submitted": "submitted", "approval.started": "pending_approval",
    "approval.sent_back": "returned", "approval.resumed": "pending_approval",
    "request.in_progress": "in_progress", "request.resolved": "resolved",
    "request.closed": "closed", "request.reopened": "in_progress",
    "request.rejected": "rejected", "request.withdrawn": "withdrawn"}
TASK_STATE_OF = {  # a task's state after each task action (``task.handed_over``: see _task)
    "task.ready": "ready", "task.claimed": "claimed", "task.done": "done",
    "task.released": "ready", "task.info_requested": "waiting_info",
    "task.info_answered": "claimed", "task.reopened": "claimed", "task.cancelled": "cancelled"}
ENDED_TASK = ("done", "skipped", "cancelled")


@dataclass(frozen=True)
class Link:
    """One audit event of a request's trail, as the fold needs it."""

    seq: int
    at: datetime
    actor: str
    action: str
    data: Mapping[str, Any] = field(default_factory=dict)
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class Origin:
    """What the trail may not say about a request (trails from before the departments were
    recorded at submission): the request row's service and requester, and today's catalog
    department and directory department as the fallbacks."""

    request_id: int
    service_id: str
    requester: str
    service_department: str | None = None
    requester_department: str | None = None


@dataclass(frozen=True)
class RequestFacts:
    """The columns of ``request_fact`` (store/models.py ``RequestFactRow``)."""

    request_id: int
    service_id: str
    service_department: str | None
    requester: str
    requester_department: str | None
    groups: tuple[str, ...]
    status: str
    statuses: tuple[tuple[datetime, str], ...]
    submitted_at: datetime
    first_response_at: datetime | None
    first_resolved_at: datetime | None
    closed_at: datetime | None
    ended_at: datetime | None
    completion_wall_s: float | None
    completion_business_s: float | None
    response_target: str | None
    response_late: bool | None
    resolution_target: str | None
    resolution_late: bool | None
    expedited: bool
    need_info_rounds: int
    reopens: int
    amendments: int
    rejections: int
    resubmission_of: int | None
    stage_wall: Mapping[str, float]
    stage_business: Mapping[str, float]
    approval_required: bool
    approval_done_at: datetime | None
    first_claim_at: datetime | None
    deferred_approval: bool
    trail_complete: bool
    folded_seq: int
    folded_at: datetime | None = None  # the last folded event's moment
    open_clocks: tuple[Clock, ...] | None = None  # the clocks at the end, while it is open
    task_groups: Mapping[str, str] = field(default_factory=dict)  # each task's group then


def fold(links: Sequence[Link], origin: Origin, service: Service | None,
         calendar: Calendar | None) -> RequestFacts | None:
    """The facts of one request from its whole trail; None before its ``request.submitted``."""
    submitted = next((link for link in links if link.action == "request.submitted"), None)
    if submitted is None:
        return None
    statuses = _statuses(links)
    resolved_at = _first_at(links, ("request.resolved",))
    claim_at = _first_claim(links)
    sla = _sla(links, service, calendar, resolved_at)
    wall, business = _stages(links, submitted.at, resolved_at, calendar)
    return RequestFacts(
        request_id=origin.request_id,
        service_id=str(submitted.data.get("service") or origin.service_id),
        service_department=_text(submitted.data.get("service_department"))
        or origin.service_department,
        requester=origin.requester,
        requester_department=_text(submitted.data.get("requester_department"))
        or origin.requester_department,
        groups=_groups(links),
        status=statuses[-1][1],
        statuses=statuses,
        submitted_at=submitted.at,
        first_response_at=_first_at(links, RESPONSE_STOPS),
        first_resolved_at=resolved_at,
        closed_at=_last_at(links, "request.closed"),
        ended_at=statuses[-1][0] if statuses[-1][1] in FINAL_STATUSES else None,
        completion_wall_s=_seconds(submitted.at, resolved_at, None),
        completion_business_s=_seconds(submitted.at, resolved_at, calendar),
        response_target=sla.response_target,
        response_late=sla.response_late,
        resolution_target=sla.resolution_target,
        resolution_late=sla.resolution_late,
        expedited=sla.expedited,
        need_info_rounds=_count(links, NEED_INFO),
        reopens=_count(links, ("request.reopened",)),
        amendments=_count(links, ("request.amended",)),
        rejections=_count(links, ("request.rejected",)),
        resubmission_of=_resubmission_of(links),
        stage_wall=wall,
        stage_business=business,
        approval_required=any(link.action in ("approval.started", "approval.unroutable")
                              for link in links),
        approval_done_at=_first_at(links, ("approval.completed",)),
        first_claim_at=claim_at,
        deferred_approval=_deferred(links, claim_at),
        trail_complete=trail_complete(links),
        folded_seq=max(link.seq for link in links),
        folded_at=max(link.at for link in links),
        open_clocks=_open_clocks(links, service, calendar, statuses[-1][1]),
        task_groups=groups_of_tasks(links),
    )


# --- the request's timeline -----------------------------------------------------------------


def _statuses(links: Sequence[Link]) -> tuple[tuple[datetime, str], ...]:
    """Every change of status, in trail order (a repeated status is not a change)."""
    found: list[tuple[datetime, str]] = []
    for link in links:
        status = STATUS_OF.get(link.action)
        if link.action == "approval.unroutable" and not link.data.get("to"):
            status = "submitted"  # nobody to route to: it waits for an admin
        if status is not None and (not found or found[-1][1] != status):
            found.append((link.at, status))
    return tuple(found)


def status_at(statuses: Sequence[Sequence[Any]], moment: datetime) -> str | None:
    """The status a ``statuses`` timeline (``[[at, status], ...]``, ``at`` a datetime or its
    ISO text) says the request had at ``moment``; None before it was submitted."""
    current = None
    for at, status in statuses:
        when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        if when > moment:
            break
        current = str(status)
    return current


def _first_at(links: Sequence[Link], actions: Sequence[str]) -> datetime | None:
    return next((link.at for link in links if link.action in actions), None)


def _last_at(links: Sequence[Link], action: str) -> datetime | None:
    return next((link.at for link in reversed(links) if link.action == action), None)


def _count(links: Sequence[Link], actions: Sequence[str]) -> int:
    return sum(1 for link in links if link.action in actions)


def _text(value: object) -> str | None:
    return str(value) if value else None


def _seconds(start: datetime, end: datetime | None, calendar: Calendar | None) -> float | None:
    """Wall seconds (``calendar`` None), else working seconds; None without an end."""
    if end is None:
        return None
    if calendar is None:
        return max((end - start).total_seconds(), 0.0)
    return business_seconds_between(calendar, start, end)


def _resubmission_of(links: Sequence[Link]) -> int | None:
    found = next((link for link in links if link.action == "request.resubmitted"), None)
    text = str(found.data.get("from") or "") if found else ""
    number = text.removeprefix("REQ-")
    return int(number) if number.isdigit() else None


# --- tasks and groups -----------------------------------------------------------------------


def _own_task(links_task_keys: Mapping[str, str], tid: str) -> bool:
    """A fulfilment task of the request (not a service's exception review riding on it)."""
    return links_task_keys.get(tid) != REVIEW_TASK_KEY


def _task_keys(links: Sequence[Link]) -> dict[str, str]:
    return {str(link.data.get("task")): str(link.data.get("key") or "")
            for link in links if link.action == "task.created"}


def _groups(links: Sequence[Link]) -> tuple[str, ...]:
    """The fulfilment groups of its tasks, in the order they first held one: the group a task
    was created for, and the group it was handed over to."""
    keys = _task_keys(links)
    found: dict[str, None] = {}
    for link in links:
        tid = str(link.data.get("task"))
        if not _own_task(keys, tid):
            continue
        if link.action == "task.created" and link.data.get("group"):
            found.setdefault(str(link.data.get("group")), None)
        elif link.action == "task.handed_over":
            to = str(link.data.get("to") or "")
            if to.startswith("group:"):
                found.setdefault(to.removeprefix("group:"), None)
    return tuple(found)


def _first_claim(links: Sequence[Link]) -> datetime | None:
    keys = _task_keys(links)
    return next((link.at for link in links if link.action == "task.claimed"
                 and _own_task(keys, str(link.data.get("task")))), None)


def _deferred(links: Sequence[Link], claim_at: datetime | None) -> bool:
    """A ``defer_approval`` exception was granted (before the first claim, if there is one)."""
    return any(link.action == "exception.granted"
               and link.data.get("effect") == "defer_approval"
               and (claim_at is None or link.at <= claim_at) for link in links)


# --- SLA at the first resolution ------------------------------------------------------------


@dataclass(frozen=True)
class _Sla:
    response_target: str | None = None
    response_late: bool | None = None
    resolution_target: str | None = None
    resolution_late: bool | None = None
    expedited: bool = False


def _sla(links: Sequence[Link], service: Service | None, calendar: Calendar | None,
         resolved_at: datetime | None) -> _Sla:
    """The response and resolution outcomes, on the trail cut at the first resolution; before
    it, the response outcome once its clock stopped and the targets that hold now."""
    if service is None:
        return _Sla()
    end = resolved_at or links[-1].at
    events = [_event(link) for link in _cut(links, resolved_at)]
    try:
        clocks = request_clocks(events, service, calendar, end)
    except ValueError:  # a business target without a calendar: no outcome can be said
        return _Sla()
    response = _kind(clocks, "response")
    resolution = _kind(clocks, "resolution")
    response_known = response is not None and (resolved_at is not None
                                               or response.stopped_at is not None)
    return _Sla(
        response_target=str(response.target) if response else None,
        response_late=response.late if response is not None and response_known else None,
        resolution_target=str(resolution.target) if resolution else None,
        resolution_late=resolution.late if resolution and resolved_at else None,
        expedited=bool(resolution and resolution.expedited))


def _open_clocks(links: Sequence[Link], service: Service | None, calendar: Calendar | None,
                 status: str) -> tuple[Clock, ...] | None:
    """The clocks at the end of the trail of an open request (None once it is not open;
    none without a service, or for a business target without any calendar)."""
    if status not in OPEN_STATUSES:
        return None
    if service is None:
        return ()
    try:
        return tuple(request_clocks(events_of(links), service, calendar, links[-1].at))
    except ValueError:
        return ()


def groups_of_tasks(links: Sequence[Link]) -> dict[str, str]:
    """The group each task is in at the end of ``links`` (hand-overs to a group move it)."""
    groups: dict[str, str] = {}
    for link in links:
        tid, to = str(link.data.get("task")), str(link.data.get("to") or "")
        if link.action == "task.created":
            groups[tid] = str(link.data.get("group") or "")
        elif link.action == "task.handed_over" and to.startswith("group:"):
            groups[tid] = to.removeprefix("group:")
    return groups


def _cut(links: Sequence[Link], resolved_at: datetime | None) -> list[Link]:
    """The trail up to and including the first ``request.resolved`` (the whole trail before)."""
    if resolved_at is None:
        return list(links)
    first = next(i for i, link in enumerate(links) if link.action == "request.resolved")
    return list(links[:first + 1])


def _kind(clocks: Sequence[Clock], kind: str) -> Clock | None:
    return next((clock for clock in clocks if clock.kind == kind), None)


def _event(link: Link) -> Event:
    return Event(link.at, link.action, dict(link.data))


def events_of(links: Sequence[Link]) -> list[Event]:
    """The trail as the SLA clocks read it."""
    return [_event(link) for link in links]


# --- stages ---------------------------------------------------------------------------------


@dataclass
class _Where:
    """What a request is waiting on, as the fold walks its trail."""

    tasks: dict[str, str] = field(default_factory=dict)  # own tasks' states
    approval_open: bool = False
    sent_back: bool = False

    def stage(self) -> str:
        states = self.tasks.values()
        if self.sent_back or "waiting_info" in states:
            return "requester_wait"
        if self.approval_open:
            return "approval"
        if "claimed" in states:
            return "work"
        if "ready" in states:
            return "claim_wait"
        return "other"

    def move(self, link: Link, keys: Mapping[str, str]) -> None:
        action = link.action
        if action == "approval.started":  # a new round: any send-back was answered
            self.approval_open, self.sent_back = True, False
        elif action in ("approval.completed", "approval.restarted"):
            self.approval_open = False
        elif action in ("request.rejected", "request.withdrawn"):
            self.approval_open, self.sent_back = False, False
        elif action == "approval.sent_back":
            self.sent_back = True
        elif action == "approval.resumed":
            self.sent_back = False
        elif action.startswith("task.") and _own_task(keys, str(link.data.get("task"))):
            self._task(link)

    def _task(self, link: Link) -> None:
        tid = str(link.data.get("task"))
        if link.action == "task.created":
            self.tasks[tid] = str(link.data.get("state") or "blocked")
        elif link.action == "task.handed_over":
            to = str(link.data.get("to") or "")
            self.tasks[tid] = "ready" if to.startswith("group:") else "claimed"
        elif link.action in TASK_STATE_OF:
            self.tasks[tid] = TASK_STATE_OF[link.action]


def _stages(links: Sequence[Link], submitted_at: datetime, resolved_at: datetime | None,
            calendar: Calendar | None) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds per stage, wall and business; empty before the first resolution."""
    if resolved_at is None:
        return {}, {}
    spans = _stage_spans(links, submitted_at, resolved_at) + _confirmations(links)
    wall = dict.fromkeys(STAGES, 0.0)
    business = dict.fromkeys(STAGES, 0.0)
    for stage, start, end in spans:
        wall[stage] += (end - start).total_seconds()
        business[stage] += business_seconds_between(calendar, start, end) if calendar else (
            end - start).total_seconds()
    return wall, business


def _stage_spans(links: Sequence[Link], submitted_at: datetime, resolved_at: datetime
                 ) -> list[tuple[str, datetime, datetime]]:
    """[submitted, first resolved) cut where the stage changes: (stage, start, end)."""
    keys = _task_keys(links)
    where = _Where()
    spans: list[tuple[str, datetime, datetime]] = []
    since, current = submitted_at, "other"
    for link in links:
        if link.at >= resolved_at:
            break
        if link.at > since:
            spans.append((current, since, link.at))
            since = link.at
        where.move(link, keys)
        current = where.stage()
    if resolved_at > since:
        spans.append((current, since, resolved_at))
    return _merged(spans)


def _merged(spans: list[tuple[str, datetime, datetime]]) -> list[tuple[str, datetime, datetime]]:
    merged: list[tuple[str, datetime, datetime]] = []
    for stage, start, end in spans:
        if merged and merged[-1][0] == stage and merged[-1][2] == start:
            merged[-1] = (stage, merged[-1][1], end)
        else:
            merged.append((stage, start, end))
    return merged


def _confirmations(links: Sequence[Link]) -> list[tuple[str, datetime, datetime]]:
    """Each time in ``resolved`` that ended by closing or reopening."""
    spans: list[tuple[str, datetime, datetime]] = []
    since: datetime | None = None
    for link in links:
        if link.action == "request.resolved" and since is None:
            since = link.at
        elif link.action in ("request.closed", "request.reopened") and since is not None:
            spans.append(("confirmation", since, link.at))
            since = None
    return spans


# --- is the trail complete ------------------------------------------------------------------


def trail_complete(links: Sequence[Link]) -> bool:
    """The trail holds every required event (METRICS.md, "audit trail complete"): submitted;
    each approval step's decision when a rule applied (a step approved has an approval of it,
    a rejection has its decision, an approval completed once the chain started); each task's
    creation and its completion with an actor (every created task that is not skipped or
    cancelled was done); resolved; closed."""
    actions = {link.action for link in links}
    if not {"request.submitted", "request.resolved", "request.closed"} <= actions:
        return False
    return _approvals_complete(links, actions) and _tasks_complete(links)


def _approvals_complete(links: Sequence[Link], actions: set[str]) -> bool:
    decided = {_step_of(link) for link in links if link.action == "approval.approved"}
    approved = {_step_of(link) for link in links if link.action == "approval.step_approved"}
    if not approved <= decided:
        return False
    if "request.rejected" in actions and "approval.rejected" not in actions:
        return False
    if "approval.started" in actions and "request.rejected" not in actions:
        return "approval.completed" in actions  # a chain that ran to its end said so
    return True


def _step_of(link: Link) -> tuple[int, int]:
    return int(link.data.get("round") or 0), int(link.data.get("step") or 0)


def _tasks_complete(links: Sequence[Link]) -> bool:
    """Every own task created, and done by someone unless skipped or cancelled (a service's
    exception review riding on the request is not the request's work)."""
    keys = _task_keys(links)
    created: dict[str, str] = {}
    done: set[str] = set()
    for link in links:
        tid = str(link.data.get("task"))
        if not link.action.startswith("task.") or not _own_task(keys, tid):
            continue
        if link.action == "task.created":
            created[tid] = str(link.data.get("state") or "")
        elif link.action == "task.done":
            if tid not in created or not link.actor:
                return False
            done.add(tid)
        elif link.action == "task.cancelled" and tid in created:
            created[tid] = "cancelled"
    return all(tid in done for tid, state in created.items() if state not in ENDED_TASK)
