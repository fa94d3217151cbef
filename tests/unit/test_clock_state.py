"""The clocks a fact row keeps for an open request (``request_fact.open_clocks``) give, at any
later moment, the clocks a replay of the trail gives then (issue 19: breached_open and
tasks_at_risk read them instead of folding the trails again). Demo cn-office calendar."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.time.clock_state import clocks_from, state_of
from bot.features.time.facts import Link, Origin, fold, groups_of_tasks
from bot.features.time.sla import Event, request_clocks
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import SlaDef
from org.durations import parse_duration

SH = ZoneInfo("Asia/Shanghai")
BUNDLE = load_bundle(*demo_paths())
CALENDAR = BUNDLE.calendars["cn-office"]
ONBOARDING = BUNDLE.catalog.get("hr.onboarding")
assert ONBOARDING is not None
SERVICE = replace(ONBOARDING, sla=SlaDef(parse_duration("4bh"), parse_duration("2bd"),
                                         "cn-office"))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


TRAIL = [  # Monday 23 Nov: asked for information, answered, a task done, one handed over
    Link(1, at(23, 10), "ann", "request.submitted", {"service": "hr.onboarding"}),
    Link(2, at(23, 10), "esmbot", "task.created",
         {"task": "TASK-1", "key": "hr_contract", "group": "hr", "state": "ready"}),
    Link(3, at(23, 10), "esmbot", "task.created",
         {"task": "TASK-2", "key": "it_account", "group": "it", "state": "blocked"}),
    Link(4, at(23, 11), "bob", "task.claimed", {"task": "TASK-1"}),
    Link(5, at(23, 11, 30), "bob", "task.info_requested", {"task": "TASK-1"}),
    Link(6, at(24, 9, 30), "ann", "task.info_answered", {"task": "TASK-1"}),
    Link(7, at(24, 10), "bob", "task.done", {"task": "TASK-1"}),
    Link(8, at(24, 10), "esmbot", "task.ready", {"task": "TASK-2"}),
    Link(9, at(24, 11), "bob", "task.handed_over", {"task": "TASK-2", "to": "group:hr"}),
]


def events(links: list[Link]) -> list[Event]:
    return [Event(link.at, link.action, dict(link.data)) for link in links]


@pytest.mark.parametrize("later", [timedelta(minutes=1), timedelta(hours=5),
                                   timedelta(days=1, hours=2), timedelta(days=9)])
def test_stored_clocks_read_later_equal_a_replay_then(later: timedelta) -> None:
    end = TRAIL[-1].at
    stored = json.loads(json.dumps(state_of(
        request_clocks(events(TRAIL), SERVICE, CALENDAR, end), groups_of_tasks(TRAIL))))
    moment = end + later
    clocks, groups = clocks_from(stored, moment)
    assert clocks == tuple(request_clocks(events(TRAIL), SERVICE, CALENDAR, moment))
    assert groups == {"TASK-1": "hr", "TASK-2": "hr"}  # TASK-2 handed over to hr


def test_the_fold_keeps_the_clocks_while_open_and_drops_them_once_resolved() -> None:
    origin = Origin(request_id=7, service_id="hr.onboarding", requester="ann")
    open_facts = fold(TRAIL, origin, SERVICE, CALENDAR)
    assert open_facts is not None and open_facts.folded_at == TRAIL[-1].at
    assert open_facts.open_clocks is not None
    assert {c.kind for c in open_facts.open_clocks} >= {"response", "resolution"}
    resolved = fold([*TRAIL, Link(10, at(24, 15), "bob", "request.resolved", {})], origin,
                    SERVICE, CALENDAR)
    assert resolved is not None and resolved.open_clocks is None


def test_a_work_meter_measures_what_business_seconds_between_does() -> None:
    from org.business_time import WorkMeter, business_seconds_between

    meter = WorkMeter(CALENDAR)
    starts = [at(20, 17), at(23, 8), at(23, 11, 30), at(24, 12, 15), at(27, 18)]
    lengths = [timedelta(0), timedelta(minutes=40), timedelta(hours=5),
               timedelta(days=2, hours=3), timedelta(days=12)]
    for start in starts:
        for length in lengths:
            assert meter.seconds_between(start, start + length) == business_seconds_between(
                CALENDAR, start, start + length)
