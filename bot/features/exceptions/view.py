"""What the request's status card shows of its exceptions: one line per exception that holds
(or waits for a decision) with its end, and for the requester an "ask for an exception" button
while the service has kinds and the request is open. The status feature calls this."""

from __future__ import annotations

from dataclasses import replace

from bot.exception_marks import active_fields
from bot.features.exceptions.actions import ExceptionClick
from bot.turn import Turn
from bot.views import FINAL_STATUSES
from chat.i18n import say
from chat.replies import Button, Card
from store import exceptions as grants
from store.models import RequestRow


async def on_status_card(turn: Turn, request: RequestRow, card: Card) -> Card:
    service = turn.services.bundle.catalog.get(request.service_id)
    rows = await grants.of_request(turn.session, request_id=request.id or 0,
                                   states=grants.LIVE_STATES)
    fields = active_fields(rows, service, turn.person)
    buttons = card.buttons
    if (service is not None and service.exceptions and turn.person.id == request.requester
            and request.status not in FINAL_STATUSES):
        buttons = (*buttons, Button(say("exc.ask_button", turn.locale),
                                    ExceptionClick("ask", request.id or 0).format()))
    return replace(card, fields=(*card.fields[:1], *fields, *card.fields[1:]), buttons=buttons)
