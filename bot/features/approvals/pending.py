""""同意" / "approve" alone: with exactly one approval waiting for the person, it is decided
after a confirmation ("是"); with several, they are listed, each to be named."""

from __future__ import annotations

from bot import conversation
from bot.delegates import delegators_of
from bot.features.approvals import flow
from bot.features.approvals.commands import YES, ApprovePending
from bot.state import PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.words import normalize
from store import approvals, requests
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestRow
from store.requests import format_request_id

MY_APPROVALS_LIMIT = 10
Waiting = tuple[RequestRow, ApprovalSeatRow, ApprovalStepRow]


async def waiting_for(turn: Turn) -> list[Waiting]:
    """Every seat waiting for this person (or for those they approve for), oldest first."""
    directory = turn.services.bundle.directory
    me = turn.person.id
    principals = [me, *await delegators_of(turn.session, directory, me, turn.today)]
    waiting: list[Waiting] = []
    for seat, step in await approvals.pending_seats_for(turn.session, approvers=principals):
        request = await requests.get_request(turn.session, request_id=step.request_id)
        if request is None or request.requester == me or request.status == "returned":
            continue  # a sent-back request waits for its requester, not for this approver
        waiting.append((request, seat, step))
    return waiting


async def send_cards(turn: Turn, waiting: list[Waiting]) -> None:
    """Their approval cards, the first ``MY_APPROVALS_LIMIT``, and how many more there are."""
    for request, seat, step in waiting[:MY_APPROVALS_LIMIT]:
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        await flow.send_card(turn, request, flow.service_of(turn, request), step, seats,
                             seat=seat.approver, to=turn.person.id)
    if len(waiting) > MY_APPROVALS_LIMIT:
        await turn.reply(Text(say("apr.my_more", turn.locale,
                                  n=len(waiting) - MY_APPROVALS_LIMIT)))


async def approve_pending(turn: Turn, command: ApprovePending) -> None:
    waiting = await waiting_for(turn)
    if not waiting:
        await turn.reply(Text(say("apr.my_none", turn.locale)))
        return
    request, seat, step = waiting[0]
    rid = format_request_id(request.id or 0)
    if len(waiting) > 1:
        await turn.reply(Text(say("digress.approve_several", turn.locale, n=len(waiting),
                                  rid=rid)))
        await send_cards(turn, waiting)
        return
    await conversation.ask(turn, PromptState("approve_pending", request=request.id or 0,
                                             step=step.id or 0, seat=seat.approver))
    await turn.reply(Text(say("digress.approve_one", turn.locale, rid=rid,
                              service=_service_name(turn, request))))
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    await flow.send_card(turn, request, flow.service_of(turn, request), step, seats,
                         seat=seat.approver, to=turn.person.id)


def _service_name(turn: Turn, request: RequestRow) -> str:
    service = flow.service_of(turn, request)
    return service.name.get(turn.locale) if service is not None else request.title


async def confirmed(turn: Turn, prompt: PromptState, text: str) -> None:
    """The answer to "approve REQ-12?": yes decides, anything else leaves it waiting."""
    if normalize(text) in YES:
        await flow.decide(turn, step_id=prompt.step, seat=prompt.seat or None,
                          verdict="approved", comment="")
        return
    await turn.reply(Text(say("digress.approve_kept", turn.locale,
                              rid=format_request_id(prompt.request))))
