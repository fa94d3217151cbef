"""SLA clocks from a request's history, on the demo cn-office calendar (09:00-12:00,
13:30-18:00, Monday to Friday; 1bd = 7.5 h)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.time.sla import Event, request_clocks
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import SlaDef
from org.durations import parse_duration

SH = ZoneInfo("Asia/Shanghai")
BUNDLE = load_bundle(*demo_paths())
CALENDAR = BUNDLE.calendars["cn-office"]
ONBOARDING = BUNDLE.catalog.get("hr.onboarding")
assert ONBOARDING is not None


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


def service(response: str | None = "4bh", resolution: str | None = "5bd"):  # type: ignore[no-untyped-def]
    sla = SlaDef(parse_duration(response) if response else None,
                 parse_duration(resolution) if resolution else None, "cn-office")
    assert ONBOARDING is not None
    return replace(ONBOARDING, sla=sla)


def clock(events: list[Event], kind: str, now: datetime, **sla: str | None):  # type: ignore[no-untyped-def]
    found = [c for c in request_clocks(events, service(**sla), CALENDAR, now) if c.kind == kind]
    assert len(found) == 1
    return found[0]


SUBMITTED = Event(at(23, 10), "request.submitted")  # Monday 10:00


def test_response_runs_until_the_first_decision_in_business_hours() -> None:
    running = clock([SUBMITTED], "response", now=at(23, 11))
    assert running.due_at == at(23, 15, 30)  # 10-12 is 2 h, 13:30 + 2 h
    decided = clock([SUBMITTED, Event(at(23, 16), "approval.approved")], "response",
                    now=at(24, 9))
    assert decided.stopped_at == at(23, 16) and decided.due_at is None
    assert decided.late  # 4.5 working hours used of 4
    assert decided.used == timedelta(hours=4, minutes=30)


def test_resolution_pauses_while_the_requester_is_asked() -> None:
    events = [SUBMITTED,
              Event(at(23, 11), "task.info_requested", {"task": "TASK-2"}),
              Event(at(24, 11), "task.info_answered", {"task": "TASK-2"})]
    paused = clock(events[:2], "resolution", now=at(23, 17))
    assert paused.due_at is None and paused.used == timedelta(hours=1)
    resumed = clock(events, "resolution", now=at(24, 12))
    # 5bd = 37.5 h, 1 h used; 36.5 h from Tuesday 11:00: 5.5 + 7.5 x 4 leaves 1 h on Dec 1
    assert resumed.due_at == datetime(2026, 12, 1, 10, 0, tzinfo=SH)
    assert resumed.used == timedelta(hours=1)


def test_resolution_pauses_while_a_request_is_sent_back_and_a_send_back_is_a_response() -> None:
    events = [SUBMITTED,
              Event(at(23, 11), "approval.sent_back", {"step": 1, "question": "型号?"}),
              Event(at(24, 11), "approval.resumed", {"step": 1, "answer": "pro"})]
    paused = clock(events[:2], "resolution", now=at(23, 17))
    assert paused.due_at is None and paused.used == timedelta(hours=1)
    resumed = clock(events, "resolution", now=at(24, 12))
    assert resumed.running_since == at(24, 11) and resumed.used == timedelta(hours=1)
    responded = clock(events, "response", now=at(24, 12))
    assert responded.stopped_at == at(23, 11)


def test_a_reopened_request_resumes_its_resolution_clock() -> None:
    events = [SUBMITTED, Event(at(23, 15), "request.resolved"),
              Event(at(24, 9), "request.reopened")]
    reopened = clock(events, "resolution", now=at(24, 10))
    assert reopened.running_since == at(24, 9) and reopened.stopped_at is None
    assert reopened.used == timedelta(hours=3, minutes=30)  # 10-12, 13:30-15:00


def test_task_clocks_run_from_ready_to_done() -> None:
    events = [SUBMITTED,
              Event(at(23, 10), "task.created",
                    {"task": "TASK-1", "key": "hr_contract", "state": "ready"}),
              Event(at(23, 10), "task.created",
                    {"task": "TASK-2", "key": "it_account", "state": "blocked"}),
              Event(at(23, 17), "task.done", {"task": "TASK-1"}),
              Event(at(23, 17), "task.ready", {"task": "TASK-2"})]
    clocks = {c.task: c for c in request_clocks(events, service(), CALENDAR, at(23, 17, 30))
              if c.kind == "task"}
    assert clocks["TASK-1"].stopped_at == at(23, 17) and not clocks["TASK-1"].late
    assert clocks["TASK-2"].due_at == at(24, 17)  # 1bd = 7.5 h: 1 h Monday, 6.5 h Tuesday


def test_wall_clock_targets_ignore_the_calendar() -> None:
    running = clock([SUBMITTED], "response", now=at(23, 11), response="30s", resolution=None)
    assert running.due_at == at(23, 10) + timedelta(seconds=30)
    assert running.late


@pytest.mark.parametrize("action", ["request.rejected", "request.withdrawn"])
def test_an_ended_request_stops_its_resolution(action: str) -> None:
    ended = clock([SUBMITTED, Event(at(23, 11), action)], "resolution", now=at(27, 9))
    assert ended.stopped_at == at(23, 11) and not ended.late
