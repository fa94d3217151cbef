"""The compliance figures of METRICS.md (governance): exceptions, approvals missing, recovery
on time, the audit chain and complete trails, from the exception grants, the fact rows
(``request_fact``), the tasks and the recorded audit verifications (``audit_check``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.features.time.policy import policy_for
from bot.features.time.sla import Event, request_clocks
from bot.metrics.cuts import FactView, facts_of, matches, needs_request, service_ids, views_in
from bot.metrics.model import Cut, Figure, Period
from bot.metrics.numbers import count_figure, rate_figure
from bot.services import Services
from dialogs.model import Service, SlaDef, TaskDef
from store import audit, audit_checks, facts
from store.exceptions import REVIEW_WINDOW
from store.models import ExceptionGrantRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import format_task_id

LAYER = "compliance"
EXCEPTION_DIMENSIONS = ("service", "kind", "reason", "impact")
RECOVERY_LOOKBACK = timedelta(days=90)  # a recovery task is due within 90 days of being ready
_TASK_STOPS = ("task.done", "task.cancelled")
_BATCH = 500


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    return [
        await exceptions(session, services, period, cut),
        approvals_missing(await views_in(session, "first_claim_at", period, cut)),
        await recovery_on_time(session, services, period, cut),
        await audit_chain(session, period, now),
        audit_complete(await views_in(session, "closed_at", period, cut)),
    ]


# ------------------------------------------------------------------------------- exceptions

async def exceptions(session: AsyncSession, services: Services, period: Period, cut: Cut
                     ) -> Figure:
    """Granted in the period (by service, kind, reason, impact); denied; active at the end;
    ended by expiry or revocation; items: the services over their review threshold."""
    rows = await _in_cut(session, services, cut, await _grants_near(session, period))
    granted = [r for r in rows if _within(r.granted_at, period)]
    parts: dict[str, float | int | None] = {
        "granted": len(granted),
        "denied": sum(1 for r in rows if r.state == "denied" and _within(r.updated_at, period)),
        "active_at_end": sum(1 for r in rows if _active_at(r, period.end)),
        "expired": _ended_by(rows, "expired", period),
        "revoked": _ended_by(rows, "revoked", period),
    }
    by = {dimension: _count_by(granted, dimension) for dimension in EXCEPTION_DIMENSIONS}
    return count_figure("exceptions", LAYER, len(granted), parts=parts, by=by,
                        items=_over_review_threshold(services, rows, period.end))


async def _grants_near(session: AsyncSession, period: Period) -> list[ExceptionGrantRow]:
    """Every exception that was granted, denied, ended or active around the period (and the
    30 days before its end, for the review threshold)."""
    since = min(period.start, period.end - REVIEW_WINDOW)
    query = select(ExceptionGrantRow).where(
        col(ExceptionGrantRow.state).in_(("granted", "denied", "ended")),
        or_(col(ExceptionGrantRow.granted_at) < period.end,
            col(ExceptionGrantRow.updated_at) >= period.start),
        or_(col(ExceptionGrantRow.ended_at).is_(None),
            col(ExceptionGrantRow.ended_at) >= since))
    return list((await session.execute(query.order_by(col(ExceptionGrantRow.id)))).scalars())


def _within(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def _active_at(row: ExceptionGrantRow, moment: datetime) -> bool:
    return (row.granted_at is not None and row.granted_at < moment
            and (row.ended_at is None or row.ended_at >= moment))


def _ended_by(rows: Sequence[ExceptionGrantRow], cause: str, period: Period) -> int:
    return sum(1 for r in rows if r.end_cause == cause and _within(r.ended_at, period))


def _count_by(granted: Sequence[ExceptionGrantRow], dimension: str) -> dict[str, Figure]:
    counts: dict[str, int] = {}
    for row in granted:
        member = {"service": row.service_id, "kind": row.kind, "reason": row.reason,
                  "impact": row.impact}[dimension] or "-"
        counts[member] = counts.get(member, 0) + 1
    return {member: count_figure("exceptions", LAYER, n) for member, n in sorted(counts.items())}


def _over_review_threshold(services: Services, rows: Sequence[ExceptionGrantRow],
                           end: datetime) -> tuple[str, ...]:
    """Services with more grants in the 30 days before ``end`` than the review threshold of
    one of their exception kinds (the rule of the review task, bot.features.exceptions)."""
    recent: dict[str, int] = {}
    for row in rows:
        if row.granted_at is not None and end - REVIEW_WINDOW <= row.granted_at < end:
            recent[row.service_id] = recent.get(row.service_id, 0) + 1
    over = []
    for service_id, count in sorted(recent.items()):
        service = services.bundle.catalog.get(service_id)
        thresholds = [k.review_threshold for k in (service.exceptions if service else ())
                      if k.review_threshold is not None]
        if thresholds and count > min(thresholds):
            over.append(service_id)
    return tuple(over)


async def _in_cut(session: AsyncSession, services: Services, cut: Cut,
                  rows: Sequence[ExceptionGrantRow]) -> list[ExceptionGrantRow]:
    kept = service_ids(cut, services.bundle)
    rows = [r for r in rows if kept is None or r.service_id in kept]
    if not needs_request(cut):
        return rows
    by_id = await facts_of(session, [r.request_id for r in rows])
    return [r for r in rows if r.request_id in by_id and matches(cut, by_id[r.request_id])]


# ------------------------------------------------------------------------ approvals missing

def approvals_missing(claimed: Sequence[FactView]) -> Figure:
    """First task claimed in the period although the rule at submission required an approval
    not completed by then; a ``defer_approval`` exception is counted apart (parts)."""
    early = [f for f in claimed if f.approval_required and f.first_claim_at is not None
             and (f.approval_done_at is None or f.approval_done_at > f.first_claim_at)]
    missing = [f for f in early if not f.deferred_approval]
    deferred = [f for f in early if f.deferred_approval]
    parts: dict[str, float | int | None] = {
        "deferred_approved_afterwards": sum(1 for f in deferred if f.approval_done_at),
        "deferred_pending": sum(1 for f in deferred if f.approval_done_at is None),
    }
    return rate_figure("approvals_missing", LAYER, len(missing), len(claimed), parts=parts,
                       items=tuple(format_request_id(f.request_id) for f in missing))


# ------------------------------------------------------------------------- recovery on time

async def recovery_on_time(session: AsyncSession, services: Services, period: Period,
                           cut: Cut) -> Figure:
    """Recovery tasks due in the period (ready + their task SLA on the service's calendar,
    time waiting for the requester excluded) that were done by their due time."""
    candidates = await _recovery_candidates(session, services, period, cut)
    trails = await facts.links_of_many(
        session, sorted({format_request_id(t.request_id) for t, _ in candidates}))
    due: list[tuple[TaskRow, datetime]] = []
    for task, service in candidates:
        events = [Event(link.at, link.action, dict(link.data))
                  for link in trails.get(format_request_id(task.request_id), ())]
        moment = due_of(services, task, service, events)
        if moment is not None and period.start <= moment < period.end:
            due.append((task, moment))
    on_time = [t for t, moment in due if t.done_at is not None and t.done_at <= moment]
    late = [t for t, _ in due if t not in on_time]
    return rate_figure("recovery_on_time", LAYER, len(on_time), len(due),
                       items=tuple(format_task_id(t.id or 0) for t in late))


async def _recovery_candidates(session: AsyncSession, services: Services, period: Period,
                               cut: Cut) -> list[tuple[TaskRow, Service]]:
    """Recovery tasks that became ready in the period or the 90 days before, of the cut."""
    kept = service_ids(cut, services.bundle)
    keys = sorted({key for service in services.bundle.catalog.services.values()
                   for key in exception_recovery_keys(service)})
    query = (select(TaskRow, col(RequestRow.service_id))
             .join(RequestRow, col(RequestRow.id) == col(TaskRow.request_id))
             .where(col(TaskRow.ready_at) < period.end,
                    col(TaskRow.ready_at) >= period.start - RECOVERY_LOOKBACK,
                    col(TaskRow.state).not_in(("skipped", "cancelled")),
                    or_(col(TaskRow.recovery).is_(True), col(TaskRow.key).in_(keys)))
             .order_by(col(TaskRow.id)))
    if kept is not None:
        query = query.where(col(RequestRow.service_id).in_(sorted(kept)))
    found = []
    for task, service_id in await session.execute(query):
        service = services.bundle.catalog.get(service_id)
        if service is not None and (task.recovery or task.key in exception_recovery_keys(
                service)):
            found.append((task, service))
    if needs_request(cut):
        facts_by_id = await facts_of(session, [t.request_id for t, _ in found])
        found = [(t, s) for t, s in found
                 if t.request_id in facts_by_id and matches(cut, facts_by_id[t.request_id])]
    return found


def exception_recovery_keys(service: Service) -> dict[str, TaskDef]:
    """The task keys of the recovery tasks its exceptions create (``<kind>.<task id>``)."""
    return {f"{kind.kind}.{plan.id}": plan for kind in service.exceptions
            for plan in kind.recovery}


async def due_at(session: AsyncSession, services: Services, task: TaskRow, service: Service
                 ) -> datetime | None:
    """``due_of`` the task, reading its request's trail."""
    trail = await audit.trail_of(session, subject=format_request_id(task.request_id))
    return due_of(services, task, service,
                  [Event(at, action, dict(data)) for at, action, data in trail])


def due_of(services: Services, task: TaskRow, service: Service, events: Sequence[Event]
           ) -> datetime | None:
    """When the task's SLA runs out: its clock (bot.features.time.sla) from ready, on the
    service's calendar, pauses excluded, as if it had not been done. None without an SLA."""
    tid = format_task_id(task.id or 0)
    plan = next((t for t in service.tasks if t.id == task.key), None) or (
        exception_recovery_keys(service).get(task.key))
    if plan is None or plan.sla is None:
        return None
    only_this = replace(service, tasks=(replace(plan, id=task.key),), sla=SlaDef())
    running = [e for e in events
               if not (e.action in _TASK_STOPS and e.data.get("task") == tid)]
    calendar = policy_for(service, services.settings.policies.durations(),
                          services.bundle).calendar
    last = running[-1].at if running else task.ready_at or task.created_at
    clock = next((c for c in request_clocks(running, only_this, calendar, last)
                  if c.kind == "task" and c.task == tid), None)
    return clock.due_at if clock is not None else None


# ------------------------------------------------------------------------------ audit trail

async def audit_chain(session: AsyncSession, period: Period, now: datetime) -> Figure:
    """The latest verification recorded by the period's end (or now, if sooner)."""
    check = await audit_checks.latest(session, until=min(now, period.end))
    if check is None:
        return Figure(key="audit_chain", layer=LAYER, unit="check")
    return Figure(key="audit_chain", layer=LAYER, unit="check",
                  value=1.0 if check.chain_ok else 0.0,
                  parts={"checked": check.checked, "first_bad_seq": check.first_bad_seq},
                  items=(check.at.isoformat(),))


def audit_complete(closed: Sequence[FactView]) -> Figure:
    """Closed in the period with every required event on the trail / closed in the period."""
    incomplete = [f for f in closed if not f.trail_complete]
    return rate_figure("audit_complete", LAYER, len(closed) - len(incomplete), len(closed),
                       items=tuple(format_request_id(f.request_id) for f in incomplete))
