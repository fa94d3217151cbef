"""The efficiency figures of METRICS.md (delivery leads): completion time, SLA attainment
(resolution, response), breached and still open, backlog, tasks at risk, approval time, time
per stage and rework. docs/metrics.md, "Efficiency", defines each one.

They read the requests' fact rows (``request_fact``) by indexed moment, never the trails; only
``breached_open`` and ``tasks_at_risk`` fold the trails of the requests open at
min(now, period end) again (their clocks at that moment). ``approval_time`` reads the approval
steps and seats decided in the period, business hours on each service's calendar.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.time.clock_state import clocks_from
from bot.features.time.fact_rows import calendar_of, links_from
from bot.features.time.facts import (
    OPEN_STATUSES,
    STAGES,
    events_of,
    groups_of_tasks,
    status_at,
)
from bot.features.time.sla import Clock, request_clocks
from bot.metrics.cuts import GroupLists, keep, matches, service_ids
from bot.metrics.model import Cut, Figure, Period
from bot.metrics.numbers import HOUR, count_figure, hours_figure, rate_figure
from bot.services import Services
from org.business_time import WorkMeter, business_seconds_between, length_of
from org.model import Calendar
from store import facts as fact_store
from store.requests import format_request_id

LAYER = "efficiency"
AT_RISK_SHARE = 0.75  # a task clock that used more than this share of its target
AGE_BUCKETS = (("0-1d", 1), ("1-3d", 3), ("3-7d", 7), (">7d", None))  # upper bounds, days
BY_SERVICE_AND_GROUP = ("service", "group")

CUT_COLUMNS = ("request_id", "service_id", "service_department", "groups",
               "requester_department")
RESOLVED_COLUMNS = (*CUT_COLUMNS, "completion_wall_s", "completion_business_s",
                    "response_target", "response_late", "resolution_target", "resolution_late",
                    "reopens", "amendments", "need_info_rounds")
OPEN_COLUMNS = (*CUT_COLUMNS, "status", "statuses", "submitted_at", "folded_at", "open_clocks")
OPEN_RAW = ("groups", "statuses", "open_clocks")  # decoded here, and only when needed

Fact = Any  # a row of ``request_fact`` columns (store.facts.rows_between), read by attribute
Facts = Sequence[Fact]


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    resolved = keep(cut, _resolved(await fact_store.rows_between(
        session, "first_resolved_at", period.start, period.end, RESOLVED_COLUMNS,
        service_ids=service_ids(cut, services.bundle), stages=STAGES, raw=("groups",))))
    moment = min(now, period.end)
    open_then = await open_at(session, services, cut, moment)
    clocks = await clocks_at(session, services, open_then, moment)
    return [
        completion_time(resolved),
        sla_share("sla_resolution", resolved, lambda f: f.resolution_target,
                  lambda f: f.resolution_late),
        sla_share("sla_response", resolved, lambda f: f.response_target,
                  lambda f: f.response_late),
        breached_open(open_then, clocks),
        backlog(open_then, clocks, moment),
        tasks_at_risk(services, open_then, clocks, cut, moment),
        await approval_time(session, services, period, cut),
        stage_time(resolved),
        rework(resolved),
    ]


# --- requests resolved in the period --------------------------------------------------------


def completion_time(resolved: Facts) -> Figure:
    """Submitted -> first resolved, wall and business hours; by service and group."""
    def figure(facts: Facts) -> Figure:
        return hours_figure("completion_time", LAYER, _present(f.completion_wall_s for f in facts),
                            _present(f.completion_business_s for f in facts))
    return _with_by(figure(resolved), _members(resolved, BY_SERVICE_AND_GROUP), figure)


def sla_share(key: str, resolved: Facts, target: Callable[[Fact], str | None],
              late: Callable[[Fact], bool | None]) -> Figure:
    """Of the requests first resolved in the period whose service has the target: those whose
    clock, evaluated at the first resolution, was not late; by service."""
    def figure(facts: Facts) -> Figure:
        judged = [f for f in facts if target(f) is not None and late(f) is not None]
        return rate_figure(key, LAYER, sum(1 for f in judged if late(f) is False), len(judged))
    return _with_by(figure(resolved), _members(resolved, ("service",)), figure)


def stage_time(resolved: Facts) -> Figure:
    """Mean hours per request in each stage (wall, and ``_bh`` business); value: the mean of
    the requests' totals (the six stages added up); by service and group."""
    seconds = {f.request_id: _stage_seconds(f) for f in resolved}

    def figure(facts: Facts) -> Figure:
        chosen = [seconds[f.request_id] for f in facts]
        parts: dict[str, float | int | None] = {}
        for index, stage in enumerate(STAGES):
            parts[stage] = _mean_hours([wall[index] for wall, _business in chosen])
        for index, stage in enumerate(STAGES):
            parts[f"{stage}_bh"] = _mean_hours([business[index] for _wall, business in chosen])
        return hours_figure("stage_time", LAYER, [sum(wall) for wall, _b in chosen],
                            [sum(business) for _w, business in chosen], parts=parts)
    return _with_by(figure(resolved), _members(resolved, BY_SERVICE_AND_GROUP), figure)


def rework(resolved: Facts) -> Figure:
    """Resolved with at least one reopen, amendment or need-info round / resolved."""
    def figure(facts: Facts) -> Figure:
        reworked = [f for f in facts if f.reopens + f.amendments + f.need_info_rounds > 0]
        return rate_figure("rework", LAYER, len(reworked), len(facts))
    return _with_by(figure(resolved), _members(resolved, BY_SERVICE_AND_GROUP), figure)


STAGES_AT = len(RESOLVED_COLUMNS)  # a resolved row's stage seconds follow its columns
Resolved = namedtuple(  # type: ignore[misc]  # a resolved row, its groups decoded
    "Resolved", [*RESOLVED_COLUMNS, *(f"wall_{s}" for s in STAGES), *(f"bh_{s}" for s in STAGES)])
_GROUPS_AT = RESOLVED_COLUMNS.index("groups")


def _resolved(rows: Iterable[Sequence[Any]]) -> list[Fact]:
    """The rows with their groups (read raw) decoded, once per distinct list."""
    groups = GroupLists()
    found = []
    for row in rows:
        values = list(row)
        values[_GROUPS_AT] = groups(values[_GROUPS_AT])
        found.append(Resolved._make(values))
    return found


def _stage_seconds(fact: Fact) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The wall and business seconds per stage of a row read with ``stages``: the columns
    ``wall_<stage>`` then ``bh_<stage>`` after RESOLVED_COLUMNS (NULL: 0)."""
    values = [float(v or 0.0) for v in tuple(fact)[STAGES_AT:]]
    return tuple(values[:len(STAGES)]), tuple(values[len(STAGES):])


def _mean_hours(seconds: Sequence[float]) -> float | None:
    return sum(seconds) / len(seconds) / HOUR if seconds else None


# --- what is open at a moment ---------------------------------------------------------------


class OpenFact(NamedTuple):
    """A request open at the moment: what the cut, the backlog and the clocks read."""

    request_id: int
    service_id: str
    service_department: str | None
    groups: tuple[str, ...]
    requester_department: str | None
    status: str  # its status at the moment
    submitted_at: datetime
    folded_at: datetime | None
    open_clocks: str | list[Any] | None  # JSON (text on SQLite), decoded by clocks_at


async def open_at(session: AsyncSession, services: Services, cut: Cut, moment: datetime
                  ) -> list[OpenFact]:
    """The requests in the cut whose status at ``moment`` was open (submitted,
    pending_approval, in_progress, returned). A row whose trail ended before ``moment`` has
    the status it has now; the others' status timelines are read."""
    rows = await fact_store.rows_not_ended_at(session, moment, OPEN_COLUMNS, raw=OPEN_RAW,
                                              service_ids=service_ids(cut, services.bundle))
    groups = GroupLists()
    found = []
    for row in rows:
        status = (row.status if row.folded_at is not None and row.folded_at < moment
                  else status_at(_decoded(row.statuses) or (), moment))
        if status in OPEN_STATUSES:
            found.append(OpenFact(row.request_id, row.service_id, row.service_department,
                                  groups(row.groups), row.requester_department, status,
                                  row.submitted_at, row.folded_at, row.open_clocks))
    return keep(cut, found)


def _decoded(value: Any) -> Any:
    """A JSON column read raw: the text decoded (a driver may have decoded it already)."""
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class OpenClocks:
    """A request's clocks at the moment, and the group each of its tasks was in then."""

    clocks: tuple[Clock, ...]
    task_groups: dict[str, str]
    calendar: Calendar | None
    replayed: bool = False  # from the trail up to the moment (it moved after the moment)


async def clocks_at(session: AsyncSession, services: Services, open_then: Facts,
                    moment: datetime) -> dict[int, OpenClocks]:
    """The clocks of the open requests at ``moment``: arithmetic on the clocks their fact rows
    hold (``open_clocks``, at the end of the trail) when the trail ended before ``moment``;
    else (a past moment, or a row folded before those were stored) their trails up to
    ``moment`` folded again."""
    found: dict[int, OpenClocks] = {}
    replay: list[Fact] = []
    calendars: dict[str, Calendar | None] = {}
    for fact in open_then:
        service = services.bundle.catalog.get(fact.service_id)
        if service is None:
            continue
        state = _decoded(fact.open_clocks)
        if state is None or fact.folded_at is None or fact.folded_at >= moment:
            replay.append(fact)
            continue
        if fact.service_id not in calendars:
            calendars[fact.service_id] = calendar_of(services, service)
        clocks, groups = clocks_from(state, moment)
        found[fact.request_id] = OpenClocks(clocks, groups, calendars[fact.service_id])
    found.update(await _replayed(session, services, replay, moment))
    return found


async def _replayed(session: AsyncSession, services: Services, facts: Facts,
                    moment: datetime) -> dict[int, OpenClocks]:
    """The clocks of ``facts`` as their trails up to ``moment`` say."""
    subjects = [format_request_id(f.request_id) for f in facts]
    trails = await fact_store.links_of_many(session, subjects, until=moment)
    found: dict[int, OpenClocks] = {}
    for fact in facts:
        service = services.bundle.catalog.get(fact.service_id)
        if service is None:
            continue
        links = links_from(trails[format_request_id(fact.request_id)])
        calendar = calendar_of(services, service)
        try:
            clocks = request_clocks(events_of(links), service, calendar, moment)
        except ValueError:  # a business target without any calendar
            continue
        found[fact.request_id] = OpenClocks(tuple(clocks), groups_of_tasks(links), calendar,
                                            replayed=True)
    return found


def breached_open(open_then: Facts, clocks: dict[int, OpenClocks]) -> Figure:
    """Open requests whose resolution clock is past due at the moment; items: their ids."""
    late = [format_request_id(f.request_id) for f in open_then
            if any(c.kind == "resolution" and c.late
                   for c in clocks.get(f.request_id, OpenClocks((), {}, None)).clocks)]
    return count_figure("breached_open", LAYER, len(late), items=tuple(late))


def backlog(open_then: Facts, clocks: dict[int, OpenClocks], moment: datetime) -> Figure:
    """Open at the moment: parts by status; by group (a request in each group it had tasks
    of at the moment: a task created later does not move a past period) and by age since
    submission."""
    statuses = {status: 0 for status in OPEN_STATUSES}
    groups: dict[str, int] = {}
    ages = {bucket: 0 for bucket, _days in AGE_BUCKETS}
    for fact in open_then:
        statuses[fact.status] += 1
        for group in _groups_then(fact, clocks.get(fact.request_id)):
            groups[group] = groups.get(group, 0) + 1
        ages[age_bucket(moment - fact.submitted_at)] += 1
    by = {"group": {g: count_figure("backlog", LAYER, n) for g, n in sorted(groups.items())},
          "age": {a: count_figure("backlog", LAYER, n) for a, n in ages.items()}}
    return count_figure("backlog", LAYER, len(open_then), parts=statuses, by=by)


def _groups_then(fact: Fact, found: OpenClocks | None) -> list[str]:
    """The groups of the tasks the request had at the moment: from its trail up to then when
    the trail moved after the moment, else its groups now (nothing changed since)."""
    if found is None or not found.replayed:
        return list(dict.fromkeys(fact.groups or ()))
    return list(dict.fromkeys(group for group in found.task_groups.values() if group))


def age_bucket(age: timedelta) -> str:
    """[0, 1 d) -> "0-1d", [1, 3) -> "1-3d", [3, 7) -> "3-7d", >= 7 d -> ">7d"."""
    for bucket, days in AGE_BUCKETS:
        if days is None or age < timedelta(days=days):
            return bucket
    return AGE_BUCKETS[-1][0]


def tasks_at_risk(services: Services, open_then: Facts, clocks: dict[int, OpenClocks],
                  cut: Cut, moment: datetime) -> Figure:
    """Open tasks whose SLA clock runs at the moment and has used more than 75 % of its
    target (breached ones too); with a group cut, the tasks of that group; items: task ids;
    by group."""
    risky: list[tuple[str, str]] = []
    for fact in open_then:
        found = clocks.get(fact.request_id)
        if found is None:
            continue
        for clock in found.clocks:
            group = found.task_groups.get(clock.task or "", "")
            if (clock.kind == "task" and clock.running_since is not None
                    and (cut.group is None or group == cut.group)
                    and used_share(clock, found.calendar, moment) > AT_RISK_SHARE):
                risky.append((clock.task or "", group))
    groups: dict[str, int] = {}
    for _task, group in risky:
        groups[group] = groups.get(group, 0) + 1
    return count_figure("tasks_at_risk", LAYER, len(risky),
                        items=tuple(task for task, _group in risky),
                        by={"group": {g: count_figure("tasks_at_risk", LAYER, n)
                                      for g, n in sorted(groups.items())}})


def used_share(clock: Clock, calendar: Calendar | None, moment: datetime) -> float:
    """How much of its target a running clock has used by ``moment``."""
    business = clock.target.business and calendar is not None
    total = length_of(calendar, clock.target) if business and calendar else length_of(
        _WALL, clock.target)
    since = clock.running_since or moment
    running = (timedelta(seconds=business_seconds_between(calendar, since, moment))
               if business and calendar else max(moment - since, timedelta()))
    return (clock.used + running) / total if total else 0.0


_WALL = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())


# --- approvals ------------------------------------------------------------------------------


async def approval_time(session: AsyncSession, services: Services, period: Period, cut: Cut
                        ) -> Figure:
    """Approval steps finished (approved or rejected) in the period: started -> finished,
    wall and business hours on the service's calendar; by service; by approver: each seat
    decided in the period, started -> decided, keyed by who decided."""
    steps = _kept(cut, await fact_store.steps_finished(session, period.start, period.end,
                                                       CUT_COLUMNS, raw=("groups",)))
    seats = _kept(cut, await fact_store.seats_decided(session, period.start, period.end,
                                                      CUT_COLUMNS, raw=("groups",)))
    meters: dict[str, WorkMeter | None] = {}
    measured: dict[tuple[str, datetime, datetime], tuple[float, float]] = {}

    def durations(service_id: str, start: datetime, end: datetime) -> tuple[float, float]:
        """Wall and business seconds (a seat decided when its step finished: measured once)."""
        if service_id not in meters:
            calendar = calendar_of(services, services.bundle.catalog.get(service_id))
            meters[service_id] = WorkMeter(calendar) if calendar else None
        key = (service_id, start, end)
        if key not in measured:
            measured[key] = _durations(start, end, meters[service_id])
        return measured[key]

    by_service: dict[str, list[tuple[float, float]]] = {}
    for step in steps:
        if step.started_at and step.finished_at:
            by_service.setdefault(step.service_id, []).append(
                durations(step.service_id, step.started_at, step.finished_at))
    deciders: dict[str, list[tuple[float, float]]] = {}
    for seat in seats:
        if seat.started_at and seat.decided_at:
            deciders.setdefault(seat.decided_by or seat.approver, []).append(
                durations(seat.service_id, seat.started_at, seat.decided_at))
    every = [pair for pairs in by_service.values() for pair in pairs]
    return hours_figure(
        "approval_time", LAYER, [w for w, _b in every], [b for _w, b in every],
        by={"service": {sid: _hours("approval_time", pairs)
                        for sid, pairs in sorted(by_service.items())},
            "approver": {who: _hours("approval_time", pairs)
                         for who, pairs in sorted(deciders.items())}})


def _kept(cut: Cut, rows: Sequence[Any]) -> list[Any]:
    """``rows`` in the cut; their ``groups`` (raw JSON) decoded only for a cut by group."""
    if cut.group is None:
        return keep(cut, rows)  # a cut without a group never reads the groups
    groups = GroupLists()
    rest = replace(cut, group=None)
    return [row for row in rows if cut.group in groups(row.groups) and matches(rest, row)]


def _durations(start: datetime, end: datetime, meter: WorkMeter | None) -> tuple[float, float]:
    wall = max((end - start).total_seconds(), 0.0)
    return wall, meter.seconds_between(start, end) if meter else wall


def _hours(key: str, pairs: Sequence[tuple[float, float]]) -> Figure:
    return hours_figure(key, LAYER, [w for w, _b in pairs], [b for _w, b in pairs])


# --- breakdowns -----------------------------------------------------------------------------


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def _members(facts: Facts, dimensions: Sequence[str]) -> dict[str, dict[str, list[Fact]]]:
    """The requests of each service / group (a request in each group it has tasks of)."""
    members: dict[str, dict[str, list[Fact]]] = {d: {} for d in dimensions}
    for fact in facts:
        if "service" in members:
            members["service"].setdefault(fact.service_id, []).append(fact)
        if "group" in members:
            for group in dict.fromkeys(fact.groups or ()):
                members["group"].setdefault(group, []).append(fact)
    return members


def _with_by(figure: Figure, members: dict[str, dict[str, list[Fact]]],
             make: Callable[[Facts], Figure]) -> Figure:
    return replace(figure, by={dimension: {member: make(rows)
                                           for member, rows in sorted(found.items())}
                               for dimension, found in members.items()})
