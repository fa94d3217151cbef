"""The efficiency figures of METRICS.md (delivery leads): completion time, SLA attainment
(resolution, response), breached and still open, backlog, tasks at risk, approval time, time
per stage and rework. docs/metrics.md, "Efficiency", defines each one.

They read the requests' fact rows (``request_fact``) by indexed moment, never the trails; only
``breached_open`` and ``tasks_at_risk`` fold the trails of the requests open at
min(now, period end) again (their clocks at that moment). ``approval_time`` reads the approval
steps and seats decided in the period, business hours on each service's calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.features.time.fact_rows import calendar_of, links_from
from bot.features.time.facts import OPEN_STATUSES, STAGES, Link, events_of, status_at
from bot.features.time.sla import Clock, request_clocks
from bot.metrics.cuts import facts_in, keep, service_ids
from bot.metrics.model import Cut, Figure, Period
from bot.metrics.numbers import HOUR, count_figure, hours_figure, rate_figure
from bot.services import Services
from org.business_time import business_seconds_between, length_of
from org.model import Calendar
from store import facts as fact_store
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestFactRow
from store.requests import format_request_id

LAYER = "efficiency"
AT_RISK_SHARE = 0.75  # a task clock that used more than this share of its target
AGE_BUCKETS = (("0-1d", 1), ("1-3d", 3), ("3-7d", 7), (">7d", None))  # upper bounds, days
DECIDED = ("approved", "rejected")
BY_SERVICE_AND_GROUP = ("service", "group")

Facts = Sequence[RequestFactRow]


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    resolved = await facts_in(session, "first_resolved_at", period, cut)
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
        backlog(open_then, moment),
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


def sla_share(key: str, resolved: Facts, target: Callable[[RequestFactRow], str | None],
              late: Callable[[RequestFactRow], bool | None]) -> Figure:
    """Of the requests first resolved in the period whose service has the target: those whose
    clock, evaluated at the first resolution, was not late; by service."""
    def figure(facts: Facts) -> Figure:
        judged = [f for f in facts if target(f) is not None and late(f) is not None]
        return rate_figure(key, LAYER, sum(1 for f in judged if late(f) is False), len(judged))
    return _with_by(figure(resolved), _members(resolved, ("service",)), figure)


def stage_time(resolved: Facts) -> Figure:
    """Mean hours per request in each stage (wall, and ``_bh`` business); value: the mean of
    the requests' totals (the six stages added up); by service and group."""
    def figure(facts: Facts) -> Figure:
        totals = [sum(_stage(f.stage_wall, s) for s in STAGES) for f in facts]
        business = [sum(_stage(f.stage_business, s) for s in STAGES) for f in facts]
        parts: dict[str, float | int | None] = {}
        for stage in STAGES:
            parts[stage] = _mean_hours([_stage(f.stage_wall, stage) for f in facts])
        for stage in STAGES:
            parts[f"{stage}_bh"] = _mean_hours([_stage(f.stage_business, stage) for f in facts])
        return hours_figure("stage_time", LAYER, totals, business, parts=parts)
    return _with_by(figure(resolved), _members(resolved, BY_SERVICE_AND_GROUP), figure)


def rework(resolved: Facts) -> Figure:
    """Resolved with at least one reopen, amendment or need-info round / resolved."""
    def figure(facts: Facts) -> Figure:
        reworked = [f for f in facts if f.reopens + f.amendments + f.need_info_rounds > 0]
        return rate_figure("rework", LAYER, len(reworked), len(facts))
    return _with_by(figure(resolved), _members(resolved, BY_SERVICE_AND_GROUP), figure)


def _stage(seconds: dict[str, float] | None, stage: str) -> float:
    return float((seconds or {}).get(stage) or 0.0)


def _mean_hours(seconds: Sequence[float]) -> float | None:
    return sum(seconds) / len(seconds) / HOUR if seconds else None


# --- what is open at a moment ---------------------------------------------------------------


async def open_at(session: AsyncSession, services: Services, cut: Cut, moment: datetime
                  ) -> list[RequestFactRow]:
    """The requests in the cut whose status at ``moment`` was open (submitted,
    pending_approval, in_progress, returned)."""
    rows = await fact_store.not_ended_at(session, moment,
                                         service_ids=service_ids(cut, services.bundle))
    return [f for f in keep(cut, rows) if status_at(f.statuses, moment) in OPEN_STATUSES]


@dataclass(frozen=True)
class OpenClocks:
    """A request's clocks at the moment, and the group each of its tasks was in then."""

    clocks: tuple[Clock, ...]
    task_groups: dict[str, str]
    calendar: Calendar | None


async def clocks_at(session: AsyncSession, services: Services, open_then: Facts,
                    moment: datetime) -> dict[int, OpenClocks]:
    """The clocks of the open requests as their trails up to ``moment`` say."""
    subjects = [format_request_id(f.request_id) for f in open_then]
    trails = await fact_store.links_of_many(session, subjects, until=moment)
    found: dict[int, OpenClocks] = {}
    for fact in open_then:
        service = services.bundle.catalog.get(fact.service_id)
        if service is None:
            continue
        links = links_from(trails[format_request_id(fact.request_id)])
        calendar = calendar_of(services, service)
        try:
            clocks = request_clocks(events_of(links), service, calendar, moment)
        except ValueError:  # a business target without any calendar
            continue
        found[fact.request_id] = OpenClocks(tuple(clocks), _task_groups(links), calendar)
    return found


def _task_groups(links: Iterable[Link]) -> dict[str, str]:
    """The group each task is in at the end of ``links`` (hand-overs to a group move it)."""
    groups: dict[str, str] = {}
    for link in links:
        tid, to = str(link.data.get("task")), str(link.data.get("to") or "")
        if link.action == "task.created":
            groups[tid] = str(link.data.get("group") or "")
        elif link.action == "task.handed_over" and to.startswith("group:"):
            groups[tid] = to.removeprefix("group:")
    return groups


def breached_open(open_then: Facts, clocks: dict[int, OpenClocks]) -> Figure:
    """Open requests whose resolution clock is past due at the moment; items: their ids."""
    late = [format_request_id(f.request_id) for f in open_then
            if any(c.kind == "resolution" and c.late
                   for c in clocks.get(f.request_id, OpenClocks((), {}, None)).clocks)]
    return count_figure("breached_open", LAYER, len(late), items=tuple(late))


def backlog(open_then: Facts, moment: datetime) -> Figure:
    """Open at the moment: parts by status; by group (a request in each group it has tasks
    of) and by age since submission."""
    statuses = {status: 0 for status in OPEN_STATUSES}
    groups: dict[str, int] = {}
    ages = {bucket: 0 for bucket, _days in AGE_BUCKETS}
    for fact in open_then:
        statuses[str(status_at(fact.statuses, moment))] += 1
        for group in dict.fromkeys(fact.groups or ()):
            groups[group] = groups.get(group, 0) + 1
        ages[age_bucket(moment - fact.submitted_at)] += 1
    by = {"group": {g: count_figure("backlog", LAYER, n) for g, n in sorted(groups.items())},
          "age": {a: count_figure("backlog", LAYER, n) for a, n in ages.items()}}
    return count_figure("backlog", LAYER, len(open_then), parts=statuses, by=by)


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
    steps = await _steps_finished(session, period)
    seats = await _seats_decided(session, period)
    facts = await _facts_of(session, {step.request_id for step in steps}
                            | {seat.request_id for seat, _started in seats})
    kept = {f.request_id: f for f in keep(cut, facts.values())}
    calendars: dict[str, Calendar | None] = {}

    def calendar(request_id: int) -> Calendar | None:
        sid = kept[request_id].service_id
        if sid not in calendars:
            calendars[sid] = calendar_of(services, services.bundle.catalog.get(sid))
        return calendars[sid]

    spans: list[tuple[str, float, float]] = []
    for step in steps:
        if step.request_id in kept and step.started_at and step.finished_at:
            spans.append((kept[step.request_id].service_id,
                          *_durations(step.started_at, step.finished_at,
                                      calendar(step.request_id))))
    deciders: dict[str, list[tuple[float, float]]] = {}
    for seat, started in seats:
        if seat.request_id in kept and started and seat.decided_at:
            deciders.setdefault(seat.decided_by or seat.approver, []).append(
                _durations(started, seat.decided_at, calendar(seat.request_id)))
    by_service: dict[str, list[tuple[float, float]]] = {}
    for sid, wall, business in spans:
        by_service.setdefault(sid, []).append((wall, business))
    return hours_figure(
        "approval_time", LAYER, [w for _s, w, _b in spans], [b for _s, _w, b in spans],
        by={"service": {sid: _hours("approval_time", pairs)
                        for sid, pairs in sorted(by_service.items())},
            "approver": {who: _hours("approval_time", pairs)
                         for who, pairs in sorted(deciders.items())}})


def _durations(start: datetime, end: datetime, calendar: Calendar | None) -> tuple[float, float]:
    wall = max((end - start).total_seconds(), 0.0)
    return wall, business_seconds_between(calendar, start, end) if calendar else wall


def _hours(key: str, pairs: Sequence[tuple[float, float]]) -> Figure:
    return hours_figure(key, LAYER, [w for w, _b in pairs], [b for _w, b in pairs])


async def _steps_finished(session: AsyncSession, period: Period) -> list[ApprovalStepRow]:
    finished = col(ApprovalStepRow.finished_at)
    query = (select(ApprovalStepRow)
             .where(finished >= period.start, finished < period.end,
                    col(ApprovalStepRow.state).in_(DECIDED))
             .order_by(col(ApprovalStepRow.id)))
    return list(await session.scalars(query))


async def _seats_decided(session: AsyncSession, period: Period
                         ) -> list[tuple[ApprovalSeatRow, datetime | None]]:
    decided = col(ApprovalSeatRow.decided_at)
    query = (select(ApprovalSeatRow, col(ApprovalStepRow.started_at))
             .join(ApprovalStepRow, col(ApprovalStepRow.id) == col(ApprovalSeatRow.step_id))
             .where(decided >= period.start, decided < period.end,
                    col(ApprovalSeatRow.state).in_(DECIDED))
             .order_by(col(ApprovalSeatRow.id)))
    return [(seat, started) for seat, started in await session.execute(query)]


async def _facts_of(session: AsyncSession, request_ids: set[int]) -> dict[int, RequestFactRow]:
    found: dict[int, RequestFactRow] = {}
    ordered = sorted(request_ids)
    for first in range(0, len(ordered), fact_store.LINKS_BATCH):
        query = select(RequestFactRow).where(
            col(RequestFactRow.request_id).in_(ordered[first:first + fact_store.LINKS_BATCH]))
        for fact in await session.scalars(query):
            found[fact.request_id] = fact
    return found


# --- breakdowns -----------------------------------------------------------------------------


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def _members(facts: Facts, dimensions: Sequence[str]) -> dict[str, dict[str, list[RequestFactRow]]]:
    """The requests of each service / group (a request in each group it has tasks of)."""
    members: dict[str, dict[str, list[RequestFactRow]]] = {d: {} for d in dimensions}
    for fact in facts:
        if "service" in members:
            members["service"].setdefault(fact.service_id, []).append(fact)
        if "group" in members:
            for group in dict.fromkeys(fact.groups or ()):
                members["group"].setdefault(group, []).append(fact)
    return members


def _with_by(figure: Figure, members: dict[str, dict[str, list[RequestFactRow]]],
             make: Callable[[Facts], Figure]) -> Figure:
    return replace(figure, by={dimension: {member: make(rows)
                                           for member, rows in sorted(found.items())}
                               for dimension, found in members.items()})
