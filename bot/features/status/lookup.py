"""Requests found by what people say, and the card a viewer can act on.

"我的电脑申请到哪了" / "what's the status of my laptop request" shows the person's request for
the service the sentence names (a choice when several); "REQ-12" shows, after the status, the
card its viewer can act on: an approver their approval card, the requester the confirmation.
"""

from __future__ import annotations

from bot.delegates import delegators_of
from bot.features.approvals import flow as approvals_flow
from bot.features.completion import flow as completion
from bot.features.completion.actions import CONFIRM, card_of
from bot.features.status.actions import StatusClick
from bot.features.status.cards import my_requests_card
from bot.turn import Turn
from bot.views import FINAL_STATUSES, service_name, status_label
from chat.i18n import say
from chat.replies import Button, Card, Text
from store import approvals, requests
from store.models import RequestRow
from store.requests import format_request_id

SEARCHED = 50  # the person's latest requests a description is looked up in
CHOICES = 5


async def find_request(turn: Turn, text: str) -> RequestRow | None:
    """The one request of the person ``text`` describes (returned for its status), or None
    after showing a choice of several, or the list of theirs when none fits."""
    mine = await requests.list_requests(turn.session, requester=turn.person.id, limit=SEARCHED)
    if not mine:
        await turn.reply(Text(say("req.none", turn.locale)))
        return None
    found = _described(turn, text, mine)
    if len(found) == 1:
        return found[0]
    services = turn.services.bundle.catalog.services
    if not found:
        await turn.reply(Text(say("digress.found_none", turn.locale)))
        await turn.reply(my_requests_card(mine[:CHOICES * 2], services, turn.person))
        return None
    await turn.reply(_choice_card(turn, found[:CHOICES]))
    return None


def _described(turn: Turn, text: str, mine: list[RequestRow]) -> list[RequestRow]:
    """The person's requests of the best-matching service that they have; open ones first."""
    matcher = turn.services.matcher
    result = matcher.match(text)
    ranked = [c.service_id for c in (*result.candidates, *matcher.suggest(text))]
    for service_id in dict.fromkeys(ranked):
        of_service = [r for r in mine if r.service_id == service_id]
        open_ = [r for r in of_service if r.status not in FINAL_STATUSES]
        if of_service:
            return open_ or of_service
    return []


def _choice_card(turn: Turn, found: list[RequestRow]) -> Card:
    loc = turn.locale
    catalog = turn.services.bundle.catalog
    labels = [say("digress.found_option", loc, rid=format_request_id(r.id or 0),
                  service=service_name(catalog.get(r.service_id), r, loc),
                  status=status_label(r.status, loc)) for r in found]
    return Card(title=say("digress.found_several", loc, n=len(found)),
                body="\n".join(f"· {label}" for label in labels),
                buttons=tuple(Button(format_request_id(r.id or 0),
                                     StatusClick(r.id or 0).format()) for r in found))


async def actionable_cards(turn: Turn, request: RequestRow) -> None:
    """After the status: the approval card of a seat the viewer holds now, or the requester's
    confirmation of a resolved request."""
    me = turn.person.id
    if me == request.requester and request.status == "resolved":
        service = turn.services.bundle.catalog.get(request.service_id)
        if service is not None and service.completion.confirm_by_requester:
            await turn.tell(me, completion.confirm_card(turn, request),
                            correlation=card_of(CONFIRM, request.id or 0, me))
        return
    if me == request.requester or request.status != "pending_approval":
        return
    principals = {me, *await delegators_of(turn.session, turn.services.bundle.directory, me,
                                           turn.today)}
    for step in await approvals.steps_of(turn.session, request_id=request.id or 0):
        if step.state != "pending":
            continue
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        held = [s for s in seats if s.state == "pending" and s.approver in principals]
        if held:
            seat = sorted(held, key=lambda s: s.approver != me)[0].approver
            await approvals_flow.send_card(turn, request, approvals_flow.service_of(turn, request),
                                           step, seats, seat=seat, to=me)
            return
