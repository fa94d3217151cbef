"""The approval chain of a request, turn by turn: start, decide, advance, restart, end.

Everything here runs inside one turn's unit of work: the steps, the decision, the request's
status, the cards and notices (outbox rows) and the audit events commit together or not at all.
A decision first locks the request row, then changes the seat and the step only if they are
still pending, so of two simultaneous clicks on an any-one step exactly one counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import card_updates, conversation
from bot.delegates import delegates_of
from bot.exception_marks import live_of
from bot.features.approvals import cc
from bot.features.approvals.actions import ApprovalCardCopy
from bot.features.approvals.cards import (
    ENDED_BECAUSE_KEYS,
    VERDICT_KEYS,
    approval_card,
    decisions_text,
    mode_text,
)
from bot.features.approvals.delegated import tell_delegator
from bot.features.approvals.fallbacks import fallback_text, format_note
from bot.features.approvals.quorum import rejection_ends_step
from bot.features.approvals.rejection import rejection_card
from bot.features.approvals.routing import ChainPlan, Fallback, plan_chain
from bot.features.tasks import flow as task_flow
from bot.people import name_of, names
from bot.state import PromptState
from bot.turn import Turn
from bot.views import local_time, status_label
from bot.visibility import may_see
from chat.i18n import say
from chat.replies import Message, Text
from dialogs.model import Service
from store import approvals, requests
from store import exceptions as exception_grants
from store.approvals import StepPlan, active_seats, added_undecided
from store.models import ApprovalSeatRow, ApprovalStepRow, OutboxRow, RequestRow
from store.requests import format_request_id


def rid_of(request: RequestRow) -> str:
    return format_request_id(request.id or 0)


def service_of(turn: Turn, request: RequestRow) -> Service | None:
    return turn.services.bundle.catalog.get(request.service_id)


# --- starting -----------------------------------------------------------------------------


def plan_of(turn: Turn, service: Service, requester_id: str,
            answers: Mapping[str, Any]) -> ChainPlan | None:
    """The approval chain ``start`` will give a request with these answers (None: the
    requester is not in the directory, and ``start`` does nothing)."""
    directory = turn.services.bundle.directory
    requester = directory.person(requester_id)
    return plan_chain(service, requester, directory, answers) if requester else None


def starts_approval(plan: ChainPlan | None) -> bool:
    """Whether ``start`` with this plan moves the request to ``pending_approval`` at once."""
    return plan is not None and bool(plan.steps) and plan.stuck is None


async def start(turn: Turn, request: RequestRow, plan: ChainPlan | None = None) -> None:
    """Route a submitted (or amended) request: its approval chain, or straight to fulfilment.

    Every step of the rule becomes a step; one the rule cannot route goes to its fallback
    (see ``routing``), with the reason stored on the step as a code (``fallbacks``).
    ``plan``: ``plan_of`` the request, when the caller worked it out already.
    """
    service = service_of(turn, request)
    if service is None:
        return
    if plan is None:
        plan = plan_of(turn, service, request.requester, request.answers)
    if plan is None:
        return
    if not plan.needs_approval:
        await task_flow.begin(turn, request)
        return
    if plan.stuck is not None:
        await _stuck(turn, request, service, plan.stuck)
        return
    plans = [StepPlan(s.approvers, s.mode, s.required,
                      note=format_note(s.fallback) if s.fallback else None) for s in plan.steps]
    first = (await approvals.create_round(turn.session, request_id=request.id or 0,
                                          plans=plans, start_at=turn.now))[0]
    await requests.set_status(turn.session, request=request, status="pending_approval",
                              reason=None, now=turn.now)
    await turn.audit("approval.started", rid_of(request), {
        "round": first.step.round,
        "steps": [{"approvers": list(p.approvers), "mode": p.mode, "required": p.required}
                  for p in plans],
    })
    await _tell_fallbacks(turn, request, service, plan.fallbacks)
    await _announce(turn, request, service, first.step, first.seats)


def _fallback_data(fallback: Fallback) -> dict[str, object]:
    return {"step": fallback.step, "reason": fallback.reason, "cause": fallback.cause,
            "refs": list(fallback.refs), "to": list(fallback.to)}


async def _tell_fallbacks(
    turn: Turn, request: RequestRow, service: Service, fallbacks: Sequence[Fallback]
) -> None:
    """Each step not routed as written: on the trail, and the requester is told why."""
    directory = turn.services.bundle.directory
    loc = turn.locale_of(request.requester)
    for fallback in fallbacks:
        action = "approval.rerouted" if fallback.reason == "up" else "approval.unroutable"
        await turn.audit(action, rid_of(request), _fallback_data(fallback))
        await turn.tell(request.requester, Text(say(
            "apr.rerouted", loc, rid=rid_of(request),
            why=fallback_text(fallback, service, directory, loc))))


async def _stuck(turn: Turn, request: RequestRow, service: Service, fallback: Fallback) -> None:
    """A step nobody but the requester could approve: the request waits for an admin to fix
    the directory or the catalog; nothing is approved automatically."""
    rid = rid_of(request)
    loc = turn.locale_of(request.requester)
    problem = fallback_text(fallback, service, turn.services.bundle.directory, loc)
    await turn.audit("approval.unroutable", rid, _fallback_data(fallback))
    await requests.set_status(turn.session, request=request, status="submitted",
                              reason=problem, now=turn.now)
    await turn.tell(request.requester, Text(say("apr.unroutable_stuck", loc, rid=rid,
                                                 problem=problem)))


async def _activate(
    turn: Turn, request: RequestRow, service: Service | None, step: ApprovalStepRow
) -> None:
    await approvals.activate_step(turn.session, step=step, now=turn.now)
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    await _announce(turn, request, service, step, seats)


async def _announce(
    turn: Turn,
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
) -> None:
    """A step has started: audit it, send its cards, tell the requester whom it waits for."""
    await turn.audit("approval.step_started", rid_of(request), {
        "round": step.round, "step": step.position, "approvers": [s.approver for s in seats],
        "mode": step.mode, "required": step.required,
    })
    delegates = await delegates_of(turn.session, turn.services.bundle.directory,
                                   [s.approver for s in seats], turn.today)
    for seat in seats:
        await deliver_seat(turn, request, service, step, seats, seat.approver,
                           delegates.get(seat.approver))
    loc = turn.locale_of(request.requester)
    await _tell_requester(
        turn, request, "apr.waiting_for", names=names(turn.services.bundle.directory,
                                                     [s.approver for s in seats], loc),
        n=step.position, total=step.total, mode=mode_text(step, len(seats), loc))


async def deliver_seat(
    turn: Turn,
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
    approver: str,
    delegate: str | None,
) -> None:
    """The card goes to the approver, or to their ``delegate`` today (and the approver is
    told)."""
    directory = turn.services.bundle.directory
    if delegate and delegate != request.requester and directory.person(delegate):
        await send_card(turn, request, service, step, seats, seat=approver, to=delegate)
        loc = turn.locale_of(approver)
        await turn.tell(approver, Text(say(
            "apr.delegated_notice", loc, rid=rid_of(request), delegate=name_of(directory, delegate),
            service=service.name.get(loc) if service else request.title)))
    else:
        await send_card(turn, request, service, step, seats, seat=approver, to=approver)


async def send_card(
    turn: Turn,
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
    *,
    seat: str,
    to: str,
) -> None:
    directory = turn.services.bundle.directory
    viewer = directory.person(to)
    if viewer is None:
        return
    card = approval_card(request, service, step, seats, seat=seat, viewer=viewer,
                         directory=directory,
                         exceptions=await live_of(turn.session, request.id or 0))
    await turn.tell(to, card, correlation=ApprovalCardCopy(step.id or 0, seat, to).format())


async def refresh_cards(
    turn: Turn,
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow] | None = None,
) -> None:
    """Every copy of every card of ``step`` shows the step as it is now (``seats``: all of
    the step's seats as they are now, when the caller has them)."""
    if seats is None:
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    directory = turn.services.bundle.directory
    marks = await live_of(turn.session, request.id or 0)

    def render(row: OutboxRow) -> Message | None:
        copy = ApprovalCardCopy.parse(row.correlation or "")
        viewer = directory.person(copy.to) if copy else None
        if copy is None or viewer is None:
            return None
        return approval_card(request, service, step, seats, seat=copy.seat, viewer=viewer,
                             directory=directory, exceptions=marks)

    await card_updates.refresh(turn, ApprovalCardCopy.of_step(step.id or 0), render)


# --- deciding -----------------------------------------------------------------------------


async def locked_step(turn: Turn, step_id: int) -> tuple[RequestRow, ApprovalStepRow] | None:
    """The step a button names and its request, the request locked first (then the step read
    again under the lock); None, with the stale-click answer, when either is gone."""
    found = await approvals.get_step(turn.session, step_id=step_id)
    request = (await requests.lock_request(turn.session, request_id=found.request_id)
               if found else None)
    step = await approvals.get_step(turn.session, step_id=step_id) if request else None
    if request is None or step is None:
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return None
    return request, step


async def decide(
    turn: Turn, *, step_id: int, seat: str | None, verdict: str, comment: str
) -> None:
    """``turn.person`` approves or rejects ``seat`` (theirs, or one they hold as delegate)."""
    locked = await locked_step(turn, step_id)
    if locked is None:
        return
    request, step = locked
    if not await may_see(turn, request):  # a crafted or forwarded click: as a typed REQ-n
        await turn.reply(Text(say("req.not_found", turn.locale, rid=rid_of(request))))
        return
    seats = await approvals.seats_of(turn.session, step_id=step_id)
    target = await seat_to_take(turn, request, step, seats, seat)
    if target is None:
        return
    if request.status == "returned":  # sent back (send_back.py): the requester has it
        await turn.reply(Text(say("ret.waiting_for_requester", turn.locale, rid=rid_of(request),
                                  who=name_of(turn.services.bundle.directory, request.requester))))
        return
    if verdict == "rejected" and not comment.strip():
        await ask_reason(turn, request, step, target.approver)
        return
    taken = await approvals.decide_seat(turn.session, seat=target, verdict=verdict,
                                        actor=turn.person.id, comment=comment.strip() or None,
                                        now=turn.now)
    if not taken:
        await _answer_closed(turn, request, step)
        return
    on_behalf = target.approver if target.approver != turn.person.id else None
    await turn.audit(f"approval.{verdict}", rid_of(request), {
        "round": step.round, "step": step.position, "comment": comment.strip(),
    }, on_behalf_of=on_behalf)
    await _confirm_to_decider(turn, request, verdict, on_behalf)
    if on_behalf:
        await tell_delegator(turn, request, on_behalf, verdict, comment.strip())
    await _advance(turn, request, step, seats, target)


async def seat_to_take(
    turn: Turn,
    request: RequestRow,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
    seat: str | None,
) -> ApprovalSeatRow | None:
    """The seat ``turn.person`` may decide now, or None after saying why not (and auditing)."""
    rid = rid_of(request)
    me = turn.person.id
    if me == request.requester:
        await _refuse(turn, request, "own_request", say("apr.own_request", turn.locale, rid=rid))
        return None
    directory = turn.services.bundle.directory
    named = [s for s in seats if seat is None or s.approver == seat]
    delegates = await delegates_of(turn.session, directory,
                                   [s.approver for s in named if s.approver != me], turn.today)
    mine = [s for s in named if s.approver == me or delegates.get(s.approver) == me]
    open_ = [s for s in mine if s.state == "pending"]
    if step.state == "pending" and open_:
        return sorted(open_, key=lambda s: s.approver != me)[0]  # one's own seat first
    decided = [s for s in mine if s.state in ("approved", "rejected")]
    handed = [s for s in mine if s.state == "handed_over"]
    if decided:
        await _answer_already(turn, request, decided[0])
    elif handed and step.state == "pending":
        await turn.reply(Text(say("apr.you_handed_over", turn.locale, rid=rid,
                                  to=name_of(directory, handed[0].handed_to))))
    elif step.state != "pending":
        await _answer_closed(turn, request, step)
    else:
        await _refuse(turn, request, "not_an_approver", say(
            "apr.not_yours", turn.locale, rid=rid,
            names=names(directory, [s.approver for s in active_seats(seats)], turn.locale)))
    return None




async def _refuse(turn: Turn, request: RequestRow, why: str, text: str) -> None:
    await turn.audit("approval.refused", rid_of(request), {"why": why})
    await turn.reply(Text(text))


async def _answer_already(turn: Turn, request: RequestRow, seat: ApprovalSeatRow) -> None:
    await turn.reply(Text(say(
        "apr.you_already", turn.locale, rid=rid_of(request),
        verdict=say(VERDICT_KEYS[seat.state], turn.locale),
        at=local_time(seat.decided_at or turn.now, turn.person))))


async def _answer_closed(turn: Turn, request: RequestRow, step: ApprovalStepRow) -> None:
    """A click on a card of a step that has ended: who decided what, and when."""
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    if step.state == "cancelled" or not any(s.state in ("approved", "rejected") for s in seats):
        why = say(ENDED_BECAUSE_KEYS[step.ended_because or "restarted"], turn.locale)
        at = local_time(step.finished_at or turn.now, turn.person)
        await turn.reply(Text(say("apr.step_ended", turn.locale, why=why, at=at)))
        return
    await turn.reply(Text(say(
        "apr.step_decided", turn.locale, rid=rid_of(request), n=step.position,
        decisions=decisions_text(seats, turn.services.bundle.directory, turn.person))))


async def ask_reason(turn: Turn, request: RequestRow, step: ApprovalStepRow, seat: str) -> None:
    await conversation.ask(turn, PromptState("reject", request=request.id or 0,
                                             step=step.id or 0, seat=seat))
    await turn.reply(Text(say("apr.ask_reason", turn.locale, rid=rid_of(request))))


async def _confirm_to_decider(
    turn: Turn, request: RequestRow, verdict: str, on_behalf: str | None
) -> None:
    key = "apr.you_approved" if verdict == "approved" else "apr.you_rejected"
    text = say(key, turn.locale, rid=rid_of(request))
    if on_behalf:
        who = name_of(turn.services.bundle.directory, on_behalf)
        text += say("apr.you_on_behalf", turn.locale, who=who)
    await turn.reply(Text(text))


async def _advance(
    turn: Turn,
    request: RequestRow,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
    decided: ApprovalSeatRow,
) -> None:
    """After one decision: the step may end, the next start, or the request be decided.

    ``seats`` are the step's seats as read under the request's lock, ``decided`` among them
    already showing the decision, so they are what a new read would return."""
    service = service_of(turn, request)
    approved = sum(1 for s in seats if s.state == "approved")
    if decided.state == "rejected":
        # an added approver (加签) must be among the approvals, so their "no" always ends it
        if decided.added_by or rejection_ends_step(step.mode, step.required,
                                                   [s.state for s in seats]):
            await _reject(turn, request, service, step, decided)
            return
        await refresh_cards(turn, request, service, step, seats)
        await _tell_requester(turn, request, "apr.decided_rejected_open",
                              who=name_of(turn.services.bundle.directory, decided.decided_by),
                              reason=decided.comment or "-", n=step.position,
                              left=step.required - approved)
        return
    await _tell_decision(turn, request, step, decided)
    left = max(step.required - approved, added_undecided(seats))
    if left > 0:
        await refresh_cards(turn, request, service, step, seats)
        await _tell_requester(turn, request, "apr.still_needed", left=left)
        return
    _must(await approvals.finish_step(turn.session, step=step, outcome="approved",
                                      now=turn.now))
    await refresh_cards(turn, request, service, step)
    await turn.audit("approval.step_approved", rid_of(request),
                     {"round": step.round, "step": step.position})
    following = [s for s in await approvals.steps_of(turn.session, request_id=request.id or 0,
                                                      round_=step.round)
                 if s.state == "waiting"]
    if following:
        await _activate(turn, request, service, following[0])
        return
    await turn.audit("approval.completed", rid_of(request), {"round": step.round})
    await cc.tell_outcome(turn, request, service, "approved")
    await task_flow.begin(turn, request)


def _must(changed: bool) -> None:
    """The request lock makes this impossible; if it ever happens, the turn rolls back whole."""
    if not changed:
        raise RuntimeError("an approval step changed under a locked request")


async def _reject(
    turn: Turn,
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    decided: ApprovalSeatRow,
) -> None:
    reason = decided.comment or "-"
    _must(await approvals.finish_step(turn.session, step=step, outcome="rejected",
                                      now=turn.now))
    await approvals.cancel_open_steps(turn.session, request_id=request.id or 0,
                                      because="rejected", now=turn.now)
    await refresh_cards(turn, request, service, step)
    who = name_of(turn.services.bundle.directory, decided.decided_by)
    await requests.set_status(turn.session, request=request, status="rejected",
                              reason=f"{who}: {reason}", now=turn.now)
    await turn.audit("request.rejected", rid_of(request), {"by": decided.decided_by,
                                                          "reason": reason})
    await exception_grants.end_with_request(turn.session, request_id=request.id or 0,
                                            cause="rejected", now=turn.now)
    await turn.tell(request.requester, rejection_card(
        request, turn.locale_of(request.requester), who=who, reason=reason))
    await cc.tell_outcome(turn, request, service, "rejected", reason=reason)


async def _tell_decision(
    turn: Turn, request: RequestRow, step: ApprovalStepRow, decided: ApprovalSeatRow
) -> None:
    loc = turn.locale_of(request.requester)
    comment = say("apr.comment", loc, comment=decided.comment) if decided.comment else ""
    await _tell_requester(turn, request, "apr.decided_approved",
                          who=name_of(turn.services.bundle.directory, decided.decided_by),
                          n=step.position, total=step.total, comment=comment)


async def _tell_requester(turn: Turn, request: RequestRow, key: str, **values: object) -> None:
    loc = turn.locale_of(request.requester)
    text = say(key, loc, rid=rid_of(request), **values).strip()
    await turn.tell(request.requester, Text(text))


# --- restarting and ending ----------------------------------------------------------------


async def restart(turn: Turn, request: RequestRow, change: str) -> None:
    """The requester changed an answer: earlier approvals no longer count; start again."""
    service = service_of(turn, request)
    ended = await approvals.cancel_open_steps(turn.session, request_id=request.id or 0,
                                              because="restarted", now=turn.now)
    told: set[str] = set()
    for step in await approvals.steps_of(turn.session, request_id=request.id or 0):
        if step.started_at is None:
            continue
        if step in ended:
            await refresh_cards(turn, request, service, step)
        for seat in await approvals.seats_of(turn.session, step_id=step.id or 0):
            for person in {seat.approver, seat.decided_by} - {None, request.requester, *told}:
                assert person is not None
                told.add(person)
                await turn.tell(person, Text(say(
                    "apr.restarted_notice", turn.locale_of(person), rid=rid_of(request),
                    who=name_of(turn.services.bundle.directory, request.requester),
                    change=change)))
    await turn.audit("approval.restarted", rid_of(request), {"change": change})
    await start(turn, request)


async def end_for_withdrawal(turn: Turn, request: RequestRow) -> None:
    """The requester withdrew: open steps end and their cards say so."""
    service = service_of(turn, request)
    for step in await approvals.cancel_open_steps(turn.session, request_id=request.id or 0,
                                                  because="withdrawn", now=turn.now):
        if step.started_at is not None:
            await refresh_cards(turn, request, service, step)


def status_text(request: RequestRow, locale: str) -> str:
    return status_label(request.status, locale)
