"""What a request's audit trail says its state is: status, answers, approval seats, tasks.

The trail is folded event by event in ``seq`` order; each action the flows append (grep
``turn.audit``) moves the state the way the flow moved the rows in the same turn. Actions that
change no stored state (reminders, refusals, breaches, surveys) are passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OPEN_STEP = ("waiting", "pending")
OPEN_SEAT = ("waiting", "pending")
OPEN_TASK = ("blocked", "ready", "claimed", "waiting_info")
NO_STATE = frozenset({
    "approval.refused", "approval.reminded", "approval.escalated", "approval.completed",
    "approval.cc_sent", "request.resubmitted",  # who was told; the link to an earlier request
    "task.refused", "task.breached", "task.escalated", "request.breached",
    "survey.answered", "survey.commented",
    # exceptions: refusals and reminders change nothing; the tasks they create have their own
    # task.created; a first of two grants leaves the exception requested
    "exception.refused", "exception.reminded", "exception.recovery_created",
    "exception.review_created", "exception.approved"})


@dataclass(frozen=True)
class TrailEvent:
    seq: int
    actor: str
    on_behalf_of: str | None
    action: str
    data: Mapping[str, Any]


@dataclass
class Seat:
    state: str
    decided_by: str | None = None
    comment: str | None = None


@dataclass
class Step:
    state: str
    seats: dict[str, Seat] = field(default_factory=dict)  # by approver, in the plan's order
    mode: str | None = None  # all | any | quorum
    required: int | None = None
    ended_because: str | None = None  # cancelled: restarted | withdrawn | rejected


@dataclass
class Task:
    key: str
    group: str
    state: str
    assignee: str | None = None


@dataclass
class Exception_:
    """A governed exception (例外) of the request: its state and, once ended, why."""

    kind: str
    state: str
    end_cause: str | None = None


@dataclass
class Replayed:
    """A request as its trail tells it. ``steps`` by ``(round, position)``, ``tasks`` by
    ``TASK-<id>``; ``unknown``: actions this replay does not know (their effect is missing)."""

    status: str | None = None
    service: str | None = None  # the service's id and version the request was filed under
    version: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    steps: dict[tuple[int, int], Step] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    last_rejected: tuple[int, int] | None = None
    exceptions: dict[str, Exception_] = field(default_factory=dict)  # by EXC-<id>


def replay(events: Iterable[TrailEvent]) -> Replayed:
    state = Replayed()
    for event in events:
        move = _MOVES.get(event.action)
        if move is not None:
            move(state, event)
        elif event.action not in NO_STATE:
            state.unknown.add(event.action)
    return state


# --- the request ----------------------------------------------------------------------------


def _status(status: str) -> Callable[[Replayed, TrailEvent], None]:
    def move(state: Replayed, event: TrailEvent) -> None:
        state.status = status
    return move


def _submitted(state: Replayed, event: TrailEvent) -> None:
    state.status = "submitted"
    state.service, state.version = event.data.get("service"), event.data.get("version")
    state.answers = dict(event.data.get("answers") or {})


def _amended(state: Replayed, event: TrailEvent) -> None:
    name = str(event.data.get("field"))
    new = event.data.get("new")
    if new is None:
        state.answers.pop(name, None)
    else:
        state.answers[name] = new


def _withdrawn(state: Replayed, event: TrailEvent) -> None:
    state.status = "withdrawn"
    _end_open_steps(state, "withdrawn")


# --- approvals ------------------------------------------------------------------------------


def _unroutable(state: Replayed, event: TrailEvent) -> None:
    if not event.data.get("to"):  # nobody to route to: the request stays submitted
        state.status = "submitted"


def _started(state: Replayed, event: TrailEvent) -> None:
    """A new round: the first step pending at once, the others waiting."""
    state.status = "pending_approval"
    round_ = int(event.data.get("round") or 0)
    for position, plan in enumerate(event.data.get("steps") or [], 1):
        seat_state = "pending" if position == 1 else "waiting"
        state.steps[(round_, position)] = Step(seat_state, {
            str(approver): Seat(seat_state) for approver in plan.get("approvers") or []},
            plan.get("mode"), plan.get("required"))


def _step_started(state: Replayed, event: TrailEvent) -> None:
    step = state.steps.setdefault(_at(event), Step("pending"))
    step.state = "pending"
    step.mode, step.required = event.data.get("mode"), event.data.get("required")
    for approver in event.data.get("approvers") or []:
        seat = step.seats.setdefault(str(approver), Seat("pending"))
        if seat.state == "waiting":
            seat.state = "pending"


def _decided(verdict: str) -> Callable[[Replayed, TrailEvent], None]:
    def move(state: Replayed, event: TrailEvent) -> None:
        step = state.steps.setdefault(_at(event), Step("pending"))
        approver = event.on_behalf_of or event.actor
        step.seats[approver] = Seat(verdict, event.actor,
                                    str(event.data.get("comment") or "") or None)
        if verdict == "rejected":
            state.last_rejected = _at(event)
    return move


def _step_approved(state: Replayed, event: TrailEvent) -> None:
    _finish(state.steps.setdefault(_at(event), Step("pending")), "approved")


def _rejected(state: Replayed, event: TrailEvent) -> None:
    state.status = "rejected"
    if state.last_rejected is not None and state.last_rejected in state.steps:
        _finish(state.steps[state.last_rejected], "rejected")
    _end_open_steps(state, "rejected")


def _restarted(state: Replayed, event: TrailEvent) -> None:
    _end_open_steps(state, "restarted")


def _transferred(state: Replayed, event: TrailEvent) -> None:
    """转交: the seat is handed over (by whoever acted, with the reason) and the target holds
    a pending seat of the step (their own earlier one, reopened, if they had one)."""
    step = state.steps.setdefault(_at(event), Step("pending"))
    reason = str(event.data.get("reason") or "") or None
    step.seats[str(event.data.get("from"))] = Seat("handed_over", event.actor, reason)
    step.seats[str(event.data.get("to"))] = Seat("pending")


def _approver_added(state: Replayed, event: TrailEvent) -> None:
    """加签: one more pending seat, and the step needs one approval more."""
    step = state.steps.setdefault(_at(event), Step("pending"))
    step.seats[str(event.data.get("added"))] = Seat("pending")
    required = event.data.get("required")
    step.required = int(required) if required is not None else step.required


def _sent_back(state: Replayed, event: TrailEvent) -> None:
    """退回: the request waits for its requester; the step and its seats stay as they are."""
    state.status = "returned"


def _resumed(state: Replayed, event: TrailEvent) -> None:
    """The requester answered: approval carries on at the same step (a restart, when the
    answer changed what the rule reads, is its own ``approval.restarted``)."""
    state.status = "pending_approval"


def _finish(step: Step, outcome: str) -> None:
    step.state = outcome
    for seat in step.seats.values():
        if seat.state in OPEN_SEAT:
            seat.state = "retired"


def _end_open_steps(state: Replayed, because: str) -> None:
    for step in state.steps.values():
        if step.state in OPEN_STEP:
            _finish(step, "cancelled")
            step.ended_because = because


def _at(event: TrailEvent) -> tuple[int, int]:
    return int(event.data.get("round") or 0), int(event.data.get("step") or 0)


# --- tasks ----------------------------------------------------------------------------------


def _task_created(state: Replayed, event: TrailEvent) -> None:
    state.tasks[str(event.data.get("task"))] = Task(
        str(event.data.get("key")), str(event.data.get("group")), str(event.data.get("state")))


def _task(to_state: str, assignee: str = "keep") -> Callable[[Replayed, TrailEvent], None]:
    """``assignee``: "keep" it, "actor" (who acted now holds it) or "none"."""
    def move(state: Replayed, event: TrailEvent) -> None:
        task = _task_of(state, event)
        task.state = to_state
        if assignee == "actor":
            task.assignee = event.actor
        elif assignee == "none":
            task.assignee = None
    return move


def _handed_over(state: Replayed, event: TrailEvent) -> None:
    task = _task_of(state, event)
    to = str(event.data.get("to") or "")
    if to.startswith("group:"):
        task.state, task.assignee, task.group = "ready", None, to.removeprefix("group:")
    else:
        task.state, task.assignee = "claimed", to


def _task_of(state: Replayed, event: TrailEvent) -> Task:
    tid = str(event.data.get("task"))
    return state.tasks.setdefault(tid, Task("?", "?", "?"))


# --- exceptions -----------------------------------------------------------------------------


def _exception_requested(state: Replayed, event: TrailEvent) -> None:
    state.exceptions[str(event.data.get("exception"))] = Exception_(
        str(event.data.get("kind")), "requested")


def _exception(to_state: str) -> Callable[[Replayed, TrailEvent], None]:
    def move(state: Replayed, event: TrailEvent) -> None:
        found = state.exceptions.setdefault(str(event.data.get("exception")),
                                            Exception_("?", "?"))
        found.state = to_state
        if to_state == "ended":
            found.end_cause = str(event.data.get("cause") or "") or None
    return move


_MOVES: dict[str, Callable[[Replayed, TrailEvent], None]] = {
    "request.submitted": _submitted,
    "request.amended": _amended,
    "request.in_progress": _status("in_progress"),
    "request.resolved": _status("resolved"),
    "request.closed": _status("closed"),
    "request.reopened": _status("in_progress"),
    "request.rejected": _rejected,
    "request.withdrawn": _withdrawn,
    "approval.unroutable": _unroutable,
    "approval.started": _started,
    "approval.step_started": _step_started,
    "approval.approved": _decided("approved"),
    "approval.rejected": _decided("rejected"),
    "approval.step_approved": _step_approved,
    "approval.restarted": _restarted,
    "approval.transferred": _transferred,
    "approval.approver_added": _approver_added,
    "approval.sent_back": _sent_back,
    "approval.resumed": _resumed,
    "task.created": _task_created,
    "task.ready": _task("ready"),
    "task.claimed": _task("claimed", "actor"),
    "task.done": _task("done", "actor"),
    "task.released": _task("ready", "none"),
    "task.handed_over": _handed_over,
    "task.info_requested": _task("waiting_info"),
    "task.info_answered": _task("claimed"),
    "task.reopened": _task("claimed"),
    "task.cancelled": _task("cancelled"),
    "exception.requested": _exception_requested,
    "exception.granted": _exception("granted"),
    "exception.denied": _exception("denied"),
    "exception.revoked": _exception("ended"),
    "exception.expired": _exception("ended"),
    "exception.ended": _exception("ended"),
}
