"""SLA clocks derived from a request's history. Pure: events, the service and a calendar in,
clocks out, so a calendar change is one recomputation away (``esmbot sla recompute``).

- **response** runs from submission to the first human action on it (an approver's decision
  or an agent's claim).
- **resolution** runs from submission to ``resolved`` (or rejected/withdrawn); it pauses while
  the requester is asked for information and runs again when a resolved request is reopened.
- each **task** with an ``sla`` runs from ready to done, pausing while its agent waits for the
  requester.
Wall-clock targets (``4h``) count elapsed time; business targets (``4bh``) working time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from dialogs.model import Service
from org.business_time import add_working_time, business_seconds_between, length_of
from org.durations import parse_duration
from org.model import Calendar, Duration


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Clock:
    kind: str  # response | resolution | task
    task: str | None  # "TASK-7" for a task clock
    target: Duration
    started_at: datetime
    running_since: datetime | None  # None while paused or stopped
    used: timedelta  # time counted so far, up to the last pause or stop
    stopped_at: datetime | None
    due_at: datetime | None  # when it breaches if it keeps running; None while paused/stopped
    late: bool  # breached (stopped after its target, or running past due)
    expedited: bool = False  # resolution: an expedite exception's target holds (issue 18)


RESPONSE_STOPS = ("approval.approved", "approval.rejected", "approval.sent_back", "task.claimed",
                  "task.done")
RESOLUTION_STOPS = ("request.resolved", "request.rejected", "request.withdrawn", "request.closed")


@dataclass
class _Timeline:
    """Running intervals of one clock, built event by event."""

    start: datetime
    intervals: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    stopped_at: datetime | None = None

    def __post_init__(self) -> None:
        self.intervals.append((self.start, None))

    @property
    def running(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None

    def pause(self, at: datetime) -> None:
        if self.running:
            self.intervals[-1] = (self.intervals[-1][0], at)

    def resume(self, at: datetime) -> None:
        if not self.running:
            self.intervals.append((at, None))
            self.stopped_at = None

    def stop(self, at: datetime) -> None:
        self.pause(at)
        self.stopped_at = at


def request_clocks(
    events: Sequence[Event], service: Service, calendar: Calendar | None, now: datetime
) -> list[Clock]:
    submitted = next((e for e in events if e.action == "request.submitted"), None)
    if submitted is None:
        return []
    clocks = []
    if service.sla.response is not None:
        clocks.append(_clock("response", None, service.sla.response, _response(events, submitted),
                             calendar, now))
    expedite = _expedited(events)
    if expedite is not None:
        target, granted = expedite
        clocks.append(replace(_clock(
            "resolution", None, target,
            _resolution([e for e in events if e.at >= granted.at], granted), calendar, now),
            expedited=True))
    elif service.sla.resolution is not None:
        clocks.append(_clock("resolution", None, service.sla.resolution,
                             _resolution(events, submitted), calendar, now))
    targets = {t.id: t.sla for t in service.tasks if t.sla is not None}
    for tid, (key, timeline) in _task_timelines(events).items():
        if key in targets and (target := targets[key]) is not None:
            clocks.append(_clock("task", tid, target, timeline, calendar, now))
    return clocks


EXCEPTION_ENDS = ("exception.expired", "exception.revoked", "exception.ended")


def _expedited(events: Sequence[Event]) -> tuple[Duration, Event] | None:
    """An expedite exception holding now: its ``resolution`` target and its grant. While it
    holds, the resolution clock counts that target from the grant; when it ends, the service's
    own clock (from submission) applies again."""
    holding: dict[object, tuple[Duration, Event]] = {}
    for event in events:
        exception = event.data.get("exception")
        if event.action == "exception.granted" and event.data.get("effect") == "expedite":
            target = _duration(event.data.get("resolution"))
            if target is not None:
                holding[exception] = (target, event)
        elif event.action in EXCEPTION_ENDS:
            holding.pop(exception, None)
    return list(holding.values())[-1] if holding else None


def _duration(text: object) -> Duration | None:
    try:
        return parse_duration(str(text)) if text else None
    except ValueError:
        return None


def _response(events: Sequence[Event], submitted: Event) -> _Timeline:
    timeline = _Timeline(submitted.at)
    first = next((e for e in events if e.action in RESPONSE_STOPS), None)
    if first is not None:
        timeline.stop(first.at)
    return timeline


def _resolution(events: Sequence[Event], submitted: Event) -> _Timeline:
    timeline = _Timeline(submitted.at)
    asked: set[object] = set()
    for event in events:
        task = event.data.get("task")
        if event.action in ("task.info_requested", "approval.sent_back"):
            asked.add(task)  # a send back pauses with task None; its resume answers it
            timeline.pause(event.at)
        elif event.action in ("task.info_answered", "approval.resumed") and task in asked:
            asked.discard(task)
            if not asked and timeline.stopped_at is None:
                timeline.resume(event.at)
        elif event.action in RESOLUTION_STOPS:
            timeline.stop(event.at)
        elif event.action == "request.reopened":
            timeline.resume(event.at)
    return timeline


def _task_timelines(events: Sequence[Event]) -> dict[str, tuple[str, _Timeline]]:
    keys: dict[str, str] = {}
    timelines: dict[str, tuple[str, _Timeline]] = {}
    for event in events:
        tid = str(event.data.get("task") or "")
        if event.action == "task.created":
            keys[tid] = str(event.data.get("key") or "")
            if event.data.get("state") == "ready":
                timelines[tid] = (keys[tid], _Timeline(event.at))
        elif event.action == "task.ready" and tid in keys:
            timelines[tid] = (keys[tid], _Timeline(event.at))
        elif tid in timelines:
            _task_event(timelines[tid][1], event)
    return timelines


def _task_event(timeline: _Timeline, event: Event) -> None:
    if event.action == "task.info_requested":
        timeline.pause(event.at)
    elif event.action in ("task.info_answered", "task.reopened"):
        timeline.resume(event.at)
    elif event.action in ("task.done", "task.cancelled"):
        timeline.stop(event.at)


def _clock(
    kind: str, task: str | None, target: Duration, timeline: _Timeline,
    calendar: Calendar | None, now: datetime,
) -> Clock:
    used = sum((_work(calendar, target, s, e) for s, e in timeline.intervals if e is not None),
               timedelta())
    total = _length(calendar, target)
    running_since = timeline.intervals[-1][0] if timeline.running else None
    due = None
    if running_since is not None:
        due = _add(calendar, target, running_since, max(total - used, timedelta()))
    late = (used > total) if running_since is None else (due is not None and now > due)
    return Clock(kind, task, target, timeline.start, running_since, used, timeline.stopped_at,
                 due, late)


def _length(calendar: Calendar | None, target: Duration) -> timedelta:
    if target.business and calendar is None:
        raise ValueError(f"{target} needs a calendar")
    return length_of(calendar, target) if calendar else length_of(_ANY, target)


def _work(calendar: Calendar | None, target: Duration, start: datetime, end: datetime
          ) -> timedelta:
    if target.business and calendar is not None:
        return timedelta(seconds=business_seconds_between(calendar, start, end))
    return max(end - start, timedelta())


def _add(calendar: Calendar | None, target: Duration, start: datetime, left: timedelta
         ) -> datetime:
    if target.business and calendar is not None:
        return add_working_time(calendar, start, left)
    return start + left


_ANY = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())  # wall-clock lengths only
