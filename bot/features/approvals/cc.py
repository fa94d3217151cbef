"""抄送 (CC): the people a request's approval rule names in ``cc`` are told when it is approved
or rejected, each in their language, through the outbox; the message is on the trail
(``approval.cc_sent``), which is also what lets them open the request (``bot.visibility``).
"""

from __future__ import annotations

from bot.features.approvals.routing import choose_rule, resolve_reference
from bot.people import name_of
from bot.turn import Turn
from bot.views import service_name
from chat.i18n import say
from chat.replies import Text
from dialogs.engine import condition_env
from dialogs.model import Service
from store.models import RequestRow
from store.requests import format_request_id

CC_KEYS = {"approved": "apr.cc_approved", "rejected": "apr.cc_rejected"}


def cc_of(turn: Turn, request: RequestRow, service: Service | None) -> list[str]:
    """The people the rule that routed the request copies, in the rule's order, without the
    requester."""
    directory = turn.services.bundle.directory
    requester = directory.person(request.requester)
    if service is None or requester is None:
        return []
    rule = choose_rule(service, condition_env(requester, request.answers))
    people: list[str] = []
    for reference in rule.cc if rule else ():
        for person in resolve_reference(reference, requester, directory, request.answers):
            if person != request.requester and person not in people:
                people.append(person)
    return people


async def tell_outcome(
    turn: Turn, request: RequestRow, service: Service | None, outcome: str, reason: str = ""
) -> None:
    """``outcome`` is approved or rejected; nothing happens when the rule copies nobody."""
    people = cc_of(turn, request, service)
    if not people:
        return
    rid = format_request_id(request.id or 0)
    directory = turn.services.bundle.directory
    why = {"reason": reason or "-"} if outcome == "rejected" else {}
    for person in people:
        loc = turn.locale_of(person)
        await turn.tell(person, Text(say(
            CC_KEYS[outcome], loc, rid=rid, who=name_of(directory, request.requester),
            service=service_name(service, request, loc), **why)))
    await turn.audit("approval.cc_sent", rid, {"outcome": outcome, "to": people})
