"""``esmbot requests list|show``: an admin's look at requests, in local time.

``show`` without ``--json`` is a view for people: answers, approval steps with their decisions,
tasks with who holds them, SLA clocks and the timeline, each time in ``[bot] timezone``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.cli_output import EXIT_FAILED, EXIT_OK, print_json, store_session
from bot.settings import Settings
from store.models import (
    REQUEST_STATUSES,
    ApprovalSeatRow,
    ApprovalStepRow,
    AuditEventRow,
    RequestRow,
    TaskRow,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.metrics.model import Period

EXIT_USAGE = 2
LIST_HEADER = ("ID", "STATUS", "REQUESTER", "SERVICE", "CREATED")
LIST_WIDTHS = (10, 17, 10, 22, 16)
# --<moment>-in PERIOD: the request_fact moment it filters on (as the metrics count them)
IN_PERIOD = {"submitted": "submitted", "resolved": "first resolved", "closed": "closed",
             "claimed": "whose first task was claimed"}
IN_COLUMNS = {"submitted": "submitted_at", "resolved": "first_resolved_at",
              "closed": "closed_at", "claimed": "first_claim_at"}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    requests = sub.add_parser("requests", help="look at requests")
    req_sub = requests.add_subparsers(dest="requests_command", required=True)
    listing = req_sub.add_parser("list", help="list requests, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status", choices=REQUEST_STATUSES)
    listing.add_argument("--requester")
    listing.add_argument("--service", help="only this service's requests, e.g. it.laptop")
    for moment, what in IN_PERIOD.items():
        listing.add_argument(f"--{moment}-in", dest=f"{moment}_in", metavar="PERIOD",
                             help=f"only requests {what} in PERIOD (2026-11, 2026-W48, "
                             "2026-11-03), in the organisation's time zone: the requests "
                             "behind a figure of esmbot metrics")
    listing.add_argument("--group", help="only requests with a task of this group")
    listing.add_argument("--department", help="only requests of this requester department")
    listing.add_argument("--limit", type=int, help="at most this many (default 50; no limit "
                         "with a --...-in period)")
    listing.set_defaults(run=requests_list)
    show = req_sub.add_parser("show", help="one request: answers, approvals, tasks, SLA clocks "
                                           "and its audit trail")
    show.add_argument("request_id", help="e.g. REQ-12")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=requests_show)


@dataclass(frozen=True)
class RequestFile:
    """Everything ``show`` prints about one request, read in one transaction."""

    request: RequestRow
    steps: list[tuple[ApprovalStepRow, ApprovalSeatRow]]
    tasks: list[TaskRow]
    events: list[AuditEventRow]


async def requests_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.metrics.periods import PeriodError
    from store import requests

    by_facts = _by_facts(args)
    try:
        periods = _periods(settings, args) if by_facts else {}
    except PeriodError as exc:
        print(f"esmbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    limit = args.limit or (None if periods else 50)
    async with store_session(settings) as session:
        rows = await requests.list_requests(session, requester=args.requester,
                                            status=args.status, service=args.service,
                                            limit=None if by_facts else limit)
        if by_facts:
            kept = await _in_facts(session, args, periods)
            rows = [row for row in rows if row.id in kept][:limit]
    if args.json:
        print_json([request_json(row) for row in rows])
        return EXIT_OK
    zone = ZoneInfo(settings.bot.timezone)
    print(_columns(LIST_HEADER))
    for row in rows:
        print(_columns((_rid(row), row.status, row.requester, row.service_id,
                        _local(row.created_at, zone))))
    if not rows:
        print("(no requests)")
    elif by_facts:
        print(f"({len(rows)} request(s))")
    return EXIT_OK


def _by_facts(args: argparse.Namespace) -> bool:
    """Whether the listing filters on what the metrics count (the request facts)."""
    return any(getattr(args, f"{m}_in", None) for m in IN_PERIOD) or bool(
        args.group or args.department)


def _periods(settings: Settings, args: argparse.Namespace) -> dict[str, Period]:
    from bot.app import load_configured_bundle
    from bot.metrics.compute import organisation_timezone
    from bot.metrics.periods import parse_period
    from bot.services import Services
    from dialogs.matching import Matcher

    bundle = load_configured_bundle(settings)
    zone = organisation_timezone(Services(settings=settings, bundle=bundle,
                                          matcher=Matcher(bundle.catalog)))
    return {IN_COLUMNS[m]: parse_period(text, zone) for m in IN_PERIOD
            if (text := getattr(args, f"{m}_in", None))}


async def _in_facts(session: AsyncSession, args: argparse.Namespace,
                    periods: dict[str, Period]) -> set[int]:
    """The ids of the requests whose facts fall in every period and match group/department."""
    from bot.metrics.cuts import matches
    from bot.metrics.model import Cut
    from store import facts

    cut = Cut(service=args.service, group=args.group, requester_department=args.department)
    if periods:
        found = None
        for column, period in periods.items():
            rows = await facts.facts_between(session, column, period.start, period.end)
            ids = {f.request_id for f in rows if matches(cut, f)}
            found = ids if found is None else found & ids
        return found or set()
    return {f.request_id for f in await facts.all_facts(session) if matches(cut, f)}


async def requests_show(settings: Settings, args: argparse.Namespace) -> int:
    from store import requests

    number = requests.parse_request_id(args.request_id)
    if number is None:
        print(f"esmbot: {args.request_id!r} is not a request id like REQ-12", file=sys.stderr)
        return EXIT_FAILED
    found = await _read(settings, number)
    if found is None:
        print(f"esmbot: {args.request_id} not found", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        data = request_json(found.request)
        data["audit"] = [_event_json(e) for e in found.events]
        print_json(data)
    else:
        print("\n".join(render(found, settings)))
    return EXIT_OK


async def _read(settings: Settings, number: int) -> RequestFile | None:
    from store import approvals, audit, requests, tasks

    async with store_session(settings) as session:
        row = await requests.get_request(session, request_id=number)
        if row is None:
            return None
        return RequestFile(
            request=row,
            steps=await approvals.latest_seats(session, request_id=number),
            tasks=await tasks.tasks_of(session, request_id=number),
            events=await audit.events_for(session, subject=requests.format_request_id(number)))


def render(found: RequestFile, settings: Settings) -> Iterator[str]:
    """The readable view of one request, section by section."""
    from bot.app import load_configured_bundle

    bundle = load_configured_bundle(settings)
    zone = ZoneInfo(settings.bot.timezone)
    request = found.request
    service = bundle.catalog.get(request.service_id)
    person = bundle.directory.person(request.requester)
    name = f" ({person.name})" if person else ""
    yield f"{_rid(request)} · {request.title} · {request.service_id} · {request.status}"
    yield (f"requester: {request.requester}{name} · filed {_local(request.created_at, zone)}"
           f" · updated {_local(request.updated_at, zone)} ({settings.bot.timezone})")
    if request.status_reason:
        yield f"reason: {request.status_reason}"
    yield from _answers(request, service)
    yield from _approvals(found.steps, zone)
    yield from _tasks(found.tasks, zone)
    yield from _clocks(found, bundle, settings, zone)
    yield from _timeline(found.events, zone)


def _answers(request: RequestRow, service: Any) -> Iterator[str]:
    from dialogs.parsing.values import display_value, value_from_json

    yield ""
    yield "Answers"
    if not request.answers:
        yield "  (none)"
    for key, raw in request.answers.items():
        field = service.field(key) if service else None
        if field is None:
            yield f"  {key}: {raw}"
            continue
        shown = display_value(field, value_from_json(field, raw), "en")
        yield f"  {field.label.en} ({key}): {shown}"


def _approvals(steps: Sequence[tuple[ApprovalStepRow, ApprovalSeatRow]],
               zone: ZoneInfo) -> Iterator[str]:
    yield ""
    yield "Approval" + (f" (round {steps[0][0].round})" if steps else "")
    if not steps:
        yield "  (no approval)"
    shown: int | None = None
    for step, seat in steps:
        if step.id != shown:
            shown = step.id
            needs = f"{step.required} of" if step.mode == "quorum" else step.mode
            yield f"  step {step.position}/{step.total} ({needs}): {step.state}" + (
                f" · {step.ended_because}" if step.ended_because else "")
        yield f"    {seat.approver:<10} {_seat(seat, zone)}"


def _seat(seat: ApprovalSeatRow, zone: ZoneInfo) -> str:
    parts = [seat.state]
    if seat.decided_by and seat.decided_by != seat.approver:
        parts.append(f"by {seat.decided_by} (delegate)")
    if seat.handed_to:
        parts.append(f"to {seat.handed_to}")
    if seat.added_by:
        parts.append(f"added by {seat.added_by}")
    if seat.decided_at:
        parts.append(_local(seat.decided_at, zone))
    if seat.comment:
        parts.append(f'"{seat.comment}"')
    return " · ".join(parts)


def _tasks(tasks: Sequence[TaskRow], zone: ZoneInfo) -> Iterator[str]:
    from store.tasks import format_task_id

    yield ""
    yield "Tasks"
    if not tasks:
        yield "  (no tasks)"
    for task in tasks:
        title = task.title.get("en") or task.key
        holder = task.assignee or f"group {task.group_id}"
        times = [f"{label} {_local(at, zone)}" for label, at in
                 (("ready", task.ready_at), ("claimed", task.claimed_at), ("done", task.done_at))
                 if at]
        yield (f"  {format_task_id(task.id or 0):<9} {title} · {task.state} · {holder}"
               + (f" · {', '.join(times)}" if times else ""))
        if task.note:
            yield f"            note: {task.note}"


def _clocks(found: RequestFile, bundle: Any, settings: Settings,
            zone: ZoneInfo) -> Iterator[str]:
    from bot.features.time.policy import policy_for
    from bot.features.time.sla import Event, request_clocks
    from bot.services import utc_now

    yield ""
    yield "SLA clocks"
    service = bundle.catalog.get(found.request.service_id)
    if service is None:
        yield "  (the service is no longer in the catalog)"
        return
    calendar = policy_for(service, settings.policies.durations(), bundle).calendar
    events = [Event(e.at, e.action, dict(e.data)) for e in found.events]
    clocks = request_clocks(events, service, calendar, utc_now())
    if not clocks:
        yield "  (none)"
    for clock in clocks:
        name = clock.task or clock.kind
        state = "late" if clock.late else "on time"
        end = (f"stopped {_local(clock.stopped_at, zone)}" if clock.stopped_at else
               f"due {_local(clock.due_at, zone)}" if clock.due_at else "paused")
        yield (f"  {name:<10} target {clock.target} · used {_span(clock.used)} · {end}"
               f" · {state}")


def _timeline(events: Sequence[AuditEventRow], zone: ZoneInfo) -> Iterator[str]:
    yield ""
    yield "Timeline"
    for event in events:
        actor = event.actor + (f" for {event.on_behalf_of}" if event.on_behalf_of else "")
        source = (event.source or {}).get("channel", "")
        yield f"  {_local(event.at, zone)}  {actor:<14} {event.action:<28} {source}".rstrip()


def request_json(row: RequestRow) -> dict[str, Any]:
    return {
        "id": _rid(row),
        "number": row.id,
        "service": row.service_id,
        "service_version": row.service_version,
        "title": row.title,
        "status": row.status,
        "status_reason": row.status_reason,
        "requester": row.requester,
        "answers": row.answers,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def _event_json(event: AuditEventRow) -> dict[str, Any]:
    return {"at": event.at.isoformat(), "actor": event.actor,
            "on_behalf_of": event.on_behalf_of, "action": event.action, "data": event.data,
            "source": event.source}


def _rid(row: RequestRow) -> str:
    from store.requests import format_request_id

    return format_request_id(row.id or 0)


def _local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _span(used: timedelta) -> str:
    minutes = int(used.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _columns(values: Sequence[str]) -> str:
    return " ".join(f"{value:<{width}}" for value, width in
                    zip(values, LIST_WIDTHS, strict=True)).rstrip()
