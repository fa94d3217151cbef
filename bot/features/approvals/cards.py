"""How an approval looks in chat: the card each approver gets, and the lines about decisions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.action_ids import StatusClick
from bot.exception_marks import active_fields
from bot.features.approvals.actions import ApprovalClick, MoveClick, Verb
from bot.features.approvals.fallbacks import note_text
from bot.features.approvals.sendback_ids import SendBackClick
from bot.people import name_of
from bot.views import answer_fields, local_time, service_name
from chat.i18n import say
from chat.replies import Button, Card, CardField
from dialogs.model import Service
from org.model import Directory, Person
from store.approvals import active_seats
from store.models import ApprovalSeatRow, ApprovalStepRow, ExceptionGrantRow, RequestRow
from store.requests import format_request_id


def mode_text(step: ApprovalStepRow, seats: int, locale: str) -> str:
    if seats == 1:
        return say("apr.mode_single", locale)
    if step.mode == "any":
        return say("apr.mode_any", locale)
    if step.mode == "quorum":
        return say("apr.mode_quorum", locale, required=step.required, of=seats)
    return say("apr.mode_all", locale)


# One key per seat state, verdict and reason a step ended, so every key is written out.
SEAT_STATE_KEYS = {
    "pending": "apr.seat_pending", "waiting": "apr.seat_waiting",
    "approved": "apr.seat_approved", "rejected": "apr.seat_rejected",
    "retired": "apr.seat_retired", "handed_over": "apr.seat_handed_over",
}
VERDICT_KEYS = {"approved": "apr.verb_approved", "rejected": "apr.verb_rejected"}
ENDED_BECAUSE_KEYS = {
    "restarted": "apr.why_restarted", "withdrawn": "apr.why_withdrawn",
    "rejected": "apr.why_rejected",
}


def seat_line(seat: ApprovalSeatRow, directory: Directory, viewer: Person) -> str:
    loc = viewer.locale
    who = name_of(directory, seat.approver)
    if seat.state in ("approved", "rejected") and seat.decided_at is not None:
        state = say(SEAT_STATE_KEYS[seat.state], loc, at=local_time(seat.decided_at, viewer))
        if seat.decided_by and seat.decided_by != seat.approver:
            state += say("apr.seat_by", loc, who=name_of(directory, seat.decided_by))
        if seat.comment:
            state += say("apr.seat_comment", loc, comment=seat.comment)
    elif seat.state == "handed_over":
        state = say(SEAT_STATE_KEYS[seat.state], loc, to=name_of(directory, seat.handed_to or ""))
    else:
        state = say(SEAT_STATE_KEYS[seat.state], loc)
    if seat.added_by:
        who += say("apr.seat_added_by", loc, who=name_of(directory, seat.added_by))
    return say("apr.seat_line", loc, who=who, state=state)


def decisions_text(seats: Sequence[ApprovalSeatRow], directory: Directory, viewer: Person) -> str:
    decided = [s for s in seats if s.state in ("approved", "rejected")]
    joiner = say("fmt.clause_sep", viewer.locale)
    return joiner.join(seat_line(s, directory, viewer) for s in decided) or "-"


def approve_action(step: ApprovalStepRow, seat: str, verb: Verb) -> str:
    return ApprovalClick(step.id or 0, seat, verb).format()


def approval_card(
    request: RequestRow,
    service: Service | None,
    step: ApprovalStepRow,
    seats: Sequence[ApprovalSeatRow],
    *,
    seat: str,
    viewer: Person,
    directory: Directory,
    exceptions: Sequence[ExceptionGrantRow] = (),
) -> Card:
    """The card for ``seat``'s approver (or the delegate ``viewer``) on ``step``;
    ``exceptions``: the request's that hold or wait (an urgent payment paid already ...)."""
    loc = viewer.locale
    rid = format_request_id(request.id or 0)
    facts = [
        CardField(say("req.field_requester", loc), _requester(request, directory, loc)),
        *active_fields(exceptions, service, viewer),
        *answer_fields(request, service, viewer, directory),
        CardField(say("apr.field_step", loc), say(
            "apr.step_of", loc, n=step.position, total=step.total,
            mode=mode_text(step, len(active_seats(seats)), loc))),
        CardField(say("apr.field_approvers", loc),
                  "\n".join(seat_line(s, directory, viewer) for s in seats)),
    ]
    if seat != viewer.id:
        facts.append(CardField(say("apr.field_on_behalf", loc), name_of(directory, seat)))
    if step.note:
        facts.append(CardField(say("apr.field_note", loc),
                               note_text(step.note, service, directory, loc)))
    mine = next((s for s in seats if s.approver == seat), None)
    open_ = step.state == "pending" and mine is not None and mine.state == "pending"
    return Card(
        title=say("apr.card_title", loc, rid=rid, service=service_name(service, request, loc)),
        fields=tuple(facts),
        buttons=_buttons(step, seat, request, loc) if open_ else (
            Button(say("apr.details", loc), StatusClick(request.id or 0).format()),),
        footer=say("apr.footer_open", loc, rid=rid) if open_ else (
            _handed_over(mine, directory, loc) or _outcome(step, seats, viewer, directory)),
    )


def _handed_over(mine: ApprovalSeatRow | None, directory: Directory, loc: str) -> str:
    """The footer of a card whose seat was handed over (转交), or "" when it was not."""
    if mine is None or mine.state != "handed_over":
        return ""
    return say("apr.footer_handed_over", loc, to=name_of(directory, mine.handed_to or ""))


def _requester(request: RequestRow, directory: Directory, loc: str) -> str:
    person = directory.person(request.requester)
    if person is None:
        return request.requester
    dept = directory.dept_label(person.dept, loc)
    return f"{person.name} ({dept})" if person.dept else person.name


def _buttons(step: ApprovalStepRow, seat: str, request: RequestRow, loc: str
             ) -> tuple[Button, ...]:
    return (
        Button(say("apr.approve", loc), approve_action(step, seat, "approve"), style="primary"),
        Button(say("apr.reject", loc), approve_action(step, seat, "reject"), style="danger",
               needs_reason=True),
        Button(say("ret.send_back", loc), SendBackClick(step.id or 0, seat).format(),
               needs_reason=True),
        Button(say("apr.details", loc), StatusClick(request.id or 0).format()),
        Button(say("apr.transfer", loc), MoveClick(step.id or 0, seat, "transfer").format()),
    )


def _outcome(
    step: ApprovalStepRow, seats: Sequence[ApprovalSeatRow], viewer: Person, directory: Directory
) -> str:
    loc = viewer.locale
    if step.state == "approved":
        return say("apr.outcome_approved", loc)
    if step.state == "rejected":
        rejection = next((s for s in seats if s.state == "rejected"), None)
        return say("apr.outcome_rejected", loc, reason=rejection.comment if rejection else "-")
    if step.state == "cancelled":
        why = say(ENDED_BECAUSE_KEYS[step.ended_because or "restarted"], loc)
        return say("apr.outcome_cancelled", loc, why=why)
    return decisions_text(seats, directory, viewer)
