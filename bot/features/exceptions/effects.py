"""What a granted exception does while it holds, exactly as CATALOG.md says, and the review
(复盘) task of a service that grants them too often.

- expedite: the request is urgent; its resolution clock counts the kind's ``resolution`` from
  the grant (``bot.features.time.sla`` reads that from the trail, so the end restores it); its
  open tasks are re-announced to their people as urgent.
- defer_approval: fulfilment starts at once while the approval chain runs on.
- allow: only marked (the request's cards show it until it ends).
"""

from __future__ import annotations

from bot.access import owners_of
from bot.exception_marks import kind_name
from bot.features.approvals import flow as approvals_flow
from bot.features.exceptions.cards import reason_text
from bot.features.tasks import flow as tasks_flow
from bot.features.tasks.cards import title_of
from bot.turn import Turn
from bot.views import local_time
from chat.i18n import say
from chat.replies import Text
from dialogs.model import ExceptionKind, Service
from store import approvals, tasks
from store import exceptions as grants
from store.models import ExceptionGrantRow, RequestRow
from store.requests import format_request_id
from store.tasks import format_task_id

OPEN_WORK = ("ready", "claimed", "waiting_info")


async def start(turn: Turn, request: RequestRow, kind: ExceptionKind,
                row: ExceptionGrantRow) -> None:
    if kind.effect == "expedite":
        await _reannounce(turn, request, kind, row)
    elif kind.effect == "defer_approval" and request.status in ("submitted", "pending_approval",
                                                                "returned"):
        await tasks_flow.start_early(turn, request)


async def refresh_request_cards(turn: Turn, request: RequestRow) -> None:
    """The cards of its open approval steps and tasks show the exception that now holds (or
    no longer does)."""
    service = turn.services.bundle.catalog.get(request.service_id)
    for step in await approvals.steps_of(turn.session, request_id=request.id or 0):
        if step.state == "pending":
            await approvals_flow.refresh_cards(turn, request, service, step)
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
        if task.state in (*OPEN_WORK, "blocked"):
            await tasks_flow.refresh_cards(turn, request, task)


async def _reannounce(turn: Turn, request: RequestRow, kind: ExceptionKind,
                      row: ExceptionGrantRow) -> None:
    """Each open task's holder (or, while unclaimed, its group) hears it is urgent now."""
    directory = turn.services.bundle.directory
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
        if task.state not in OPEN_WORK:
            continue
        group = directory.groups.get(task.group_id)
        people = [task.assignee] if task.assignee else list(group.members if group else ())
        for person_id in people:
            person = directory.person(person_id)
            if person is None:
                continue
            await turn.tell(person_id, Text(say(
                "exc.task_urgent", person.locale, tid=format_task_id(task.id or 0),
                title=title_of(task, person.locale), rid=format_request_id(request.id or 0),
                kind=kind_name(kind, row, person.locale),
                end=local_time(row.ends_at, person) if row.ends_at else "-")))


async def review_if_frequent(turn: Turn, request: RequestRow, service: Service | None,
                             kind: ExceptionKind) -> None:
    """More grants than ``review_threshold`` in 30 days: one review task for the service's owner
    group, listing those exceptions and their reasons; never a second while one is open."""
    if service is None or kind.review_threshold is None:
        return
    recent = await grants.granted_since(turn.session, service_id=service.id,
                                        since=turn.now - grants.REVIEW_WINDOW)
    owner_kind, _, group_id = service.owner.partition(":")
    if len(recent) <= kind.review_threshold or owner_kind != "group":
        return
    if await grants.open_review_task(turn.session, service_id=service.id) is not None:
        return
    title = {loc: say("exc.review_title", loc, service=service.name.get(loc), n=len(recent))
             for loc in ("zh", "en")}
    task = await tasks.create_task(turn.session, request_id=request.id or 0,
                                   key=grants.REVIEW_TASK_KEY, title=title, group_id=group_id,
                                   depends_on=(), state="ready", now=turn.now)
    rid = format_request_id(request.id or 0)
    tid = format_task_id(task.id or 0)
    listed = [{"exception": grants.format_exception_id(r.id or 0),
               "request": format_request_id(r.request_id), "kind": r.kind,
               "reason": r.reason, "reason_text": r.reason_text or ""} for r in recent]
    await turn.audit("task.created", rid, {"task": tid, "key": grants.REVIEW_TASK_KEY,
                                           "group": group_id, "state": "ready"})
    await turn.audit("exception.review_created", rid, {"task": tid, "service": service.id,
                                                       "exceptions": listed})
    await _tell_owners(turn, service, recent, tid)
    await tasks_flow.announce(turn, request, task)


async def _tell_owners(turn: Turn, service: Service, recent: list[ExceptionGrantRow],
                       tid: str) -> None:
    for person_id in sorted(owners_of(turn.services.bundle.directory, service)):
        loc = turn.locale_of(person_id)
        lines = [say("exc.review_line", loc, eid=grants.format_exception_id(r.id or 0),
                     rid=format_request_id(r.request_id),
                     reason=reason_text(service.exception_kind(r.kind), r, loc))
                 for r in recent]
        await turn.notify(person_id, Text("\n".join([say(
            "exc.review_notice", loc, service=service.name.get(loc), n=len(recent), tid=tid),
            *lines])))
