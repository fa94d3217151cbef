"""An approver whose delegate decided one of their seats hears it: who, what, with which
comment (the decision is theirs on the trail: ``on_behalf_of``)."""

from __future__ import annotations

from bot.features.approvals.cards import VERDICT_KEYS
from bot.people import name_of
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from store.models import RequestRow
from store.requests import format_request_id


async def tell_delegator(turn: Turn, request: RequestRow, approver: str, verdict: str,
                         comment: str) -> None:
    loc = turn.locale_of(approver)
    noted = say("apr.comment", loc, comment=comment) if comment else ""
    await turn.tell(approver, Text(say(
        "deleg.decided_for_you", loc, rid=format_request_id(request.id or 0),
        who=name_of(turn.services.bundle.directory, turn.person.id),
        verdict=say(VERDICT_KEYS[verdict], loc), comment=noted).strip()))
