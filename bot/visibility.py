"""Who may see a request: its requester, the service owner, its approvers and their delegates.

(Agents of its tasks join with fulfilment.) Decided in the core on every look, never by who
happened to get a card.
"""

from __future__ import annotations

from bot.access import can_see
from bot.approvals.delegation import delegate_of
from bot.turn import Turn
from store import approvals
from store.models import RequestRow


async def may_see(turn: Turn, request: RequestRow) -> bool:
    bundle = turn.services.bundle
    service = bundle.catalog.get(request.service_id)
    if can_see(turn.person, request, service, bundle.directory):
        return True
    people = await approvals.people_on(turn.session, request_id=request.id or 0)
    if turn.person.id in people:
        return True
    for person in people:
        if await delegate_of(turn.session, bundle.directory, person, turn.today) == turn.person.id:
            return True
    return False
