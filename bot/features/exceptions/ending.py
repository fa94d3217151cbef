"""The end of an exception, whichever comes first: its expiry, a revocation by its approver or
the service owner group ("撤销例外 REQ-12 原因"), or the request ending (closed, rejected,
withdrawn). A granted exception's recovery tasks are created and announced, its effect is
undone (the SLA clock is derived from the trail again) and everyone involved is told.
"""

from __future__ import annotations

from bot.access import owners_of
from bot.exception_marks import CAUSE_KEYS, kind_name
from bot.features.exceptions.decide import deciders, refresh_cards
from bot.features.exceptions.effects import refresh_request_cards
from bot.features.tasks import flow as tasks_flow
from bot.features.time.resync import resync_touched
from bot.features.time.subjects import subject_of
from bot.turn import Turn
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Text
from dialogs.model import ExceptionKind, Service
from store import exceptions as grants
from store import tasks, timers
from store.models import ExceptionGrantRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import format_task_id

END_ACTIONS = {"expired": "exception.expired", "revoked": "exception.revoked"}
TIMER_KINDS = ("exception.expire", "exception.remind", "exception.nudge", grants.END_TIMER)


def _service(turn: Turn, request: RequestRow) -> Service | None:
    return turn.services.bundle.catalog.get(request.service_id)


async def end(turn: Turn, request: RequestRow, row: ExceptionGrantRow, cause: str,
              note: str = "") -> bool:
    """End ``row`` for ``cause`` (expired, revoked, closed, rejected, withdrawn); False when it
    had ended already."""
    held = row.state == "granted"
    if not await grants.change(turn.session, row=row, from_states=grants.LIVE_STATES,
                               now=turn.now, state="ended", ended_at=turn.now, end_cause=cause,
                               end_note=note or None):
        return False
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    await turn.audit(END_ACTIONS.get(cause, "exception.ended"), rid,
                     {"exception": eid, "cause": cause, "reason": note, "held": held})
    await timers.cancel(turn.session, subject=subject_of("exception", row.id), now=turn.now,
                        kinds=TIMER_KINDS)
    service = _service(turn, request)
    kind = service.exception_kind(row.kind) if service else None
    created = await _recovery(turn, request, kind, row) if held and kind else []
    await _tell_end(turn, request, row, kind, cause, note, created)
    if cause == "rejected" and kind is not None and kind.effect == "defer_approval" and held:
        await _tell_owners_rejected(turn, request, service, row, kind, created)
    await refresh_cards(turn, request, row)
    await refresh_request_cards(turn, request)
    await resync_touched(turn)
    return True


async def _recovery(turn: Turn, request: RequestRow, kind: ExceptionKind,
                    row: ExceptionGrantRow) -> list[TaskRow]:
    rid = format_request_id(request.id or 0)
    created = []
    for plan in kind.recovery:
        task = await tasks.create_task(
            turn.session, request_id=request.id or 0, key=f"{kind.kind}.{plan.id}",
            title={"zh": plan.title.zh, "en": plan.title.en}, group_id=plan.group,
            depends_on=(), state="ready", now=turn.now, recovery=plan.recovery)
        await turn.audit("task.created", rid, {
            "task": format_task_id(task.id or 0), "key": task.key, "group": plan.group,
            "state": "ready", "recovery": plan.recovery,
            "exception": grants.format_exception_id(row.id or 0)})
        created.append(task)
    if created:
        await turn.audit("exception.recovery_created", rid, {
            "exception": grants.format_exception_id(row.id or 0),
            "tasks": [format_task_id(t.id or 0) for t in created]})
    for task in created:
        await tasks_flow.announce(turn, request, task)
    return created


async def _tell_end(turn: Turn, request: RequestRow, row: ExceptionGrantRow,
                    kind: ExceptionKind | None, cause: str, note: str,
                    created: list[TaskRow]) -> None:
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    for person in dict.fromkeys([request.requester, *deciders(row)]):
        loc = turn.locale_of(person)
        why = say(CAUSE_KEYS.get(cause, "exc.cause_closed"), loc)
        text = say("exc.ended_notice", loc, eid=eid, rid=rid, kind=kind_name(kind, row, loc),
                   cause=why)
        if note:
            text += say("exc.ended_reason", loc, reason=note)
        if created:
            text += say("exc.ended_recovery", loc, tasks=say("fmt.list_sep", loc).join(
                f"{format_task_id(t.id or 0)} {t.title.get(loc) or t.key}" for t in created))
        await turn.tell(person, Text(text))


async def _tell_owners_rejected(turn: Turn, request: RequestRow, service: Service | None,
                                row: ExceptionGrantRow, kind: ExceptionKind,
                                created: list[TaskRow]) -> None:
    rid = format_request_id(request.id or 0)
    for person in sorted(owners_of(turn.services.bundle.directory, service)):
        loc = turn.locale_of(person)
        await turn.notify(person, Text(say(
            "exc.rejected_after_start", loc, rid=rid, kind=kind_name(kind, row, loc),
            eid=grants.format_exception_id(row.id or 0),
            tasks=say("fmt.list_sep", loc).join(format_task_id(t.id or 0) for t in created)
            or "-")))


# --- revoking -------------------------------------------------------------------------------


async def revoke(turn: Turn, request_id: int, reason: str) -> None:
    """"撤销例外 REQ-12 原因": by whoever granted it (or their delegate's principal) or a
    member of the service's owner group; a reason is required."""
    request = await visible_request(turn, request_id, lock=True)
    if request is None:
        return
    rid = format_request_id(request_id)
    held = [r for r in await grants.of_request(turn.session, request_id=request_id,
                                               states=("granted",))]
    if not held:
        await turn.reply(Text(say("exc.none_to_revoke", turn.locale, rid=rid)))
        return
    row = held[-1]
    eid = grants.format_exception_id(row.id or 0)
    owners = owners_of(turn.services.bundle.directory, _service(turn, request))
    if turn.person.id not in {*deciders(row), *owners}:
        await turn.audit("exception.refused", rid, {"exception": eid, "why": "not_revoker"})
        await turn.reply(Text(say("exc.not_revoker", turn.locale, eid=eid)))
        return
    if not reason.strip():
        await turn.reply(Text(say("exc.revoke_needs_reason", turn.locale, rid=rid)))
        return
    if await end(turn, request, row, "revoked", reason.strip()):
        await turn.reply(Text(say("exc.you_revoked", turn.locale, eid=eid)))
