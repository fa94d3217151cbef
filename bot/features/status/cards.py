"""How the status feature looks in chat: one request's status card and the list of mine."""

from __future__ import annotations

from datetime import datetime

from bot.features.status.actions import StatusClick, WithdrawClick
from bot.views import FINAL_STATUSES, answer_fields, local_time, service_name, status_label
from chat.i18n import say
from chat.replies import Button, Card, CardField
from dialogs.model import Service
from org.model import Directory, Person
from store.models import RequestRow
from store.requests import format_request_id


def status_card(
    request: RequestRow,
    service: Service | None,
    viewer: Person,
    directory: Directory,
    *,
    step: str,
    holder: str,
    since: datetime,
    history: tuple[CardField, ...] = (),
    console_url: str | None = None,
) -> Card:
    loc = viewer.locale
    rid = format_request_id(request.id or 0)
    requester = directory.person(request.requester)
    final = request.status in FINAL_STATUSES
    facts = [
        CardField(say("req.field_status", loc), status_label(request.status, loc)),
        CardField(say("req.field_requester", loc), requester.name if requester else
                  request.requester),
        CardField(say("req.field_submitted", loc), local_time(request.created_at, viewer)),
        CardField(say("req.field_step", loc), step),
    ]
    if not final:
        facts.append(CardField(say("req.field_holder", loc), holder))
        facts.append(CardField(say("req.field_since", loc), local_time(since, viewer)))
    if request.status_reason:
        facts.append(CardField(say("req.field_reason", loc), request.status_reason))
    buttons: tuple[Button, ...] = ()
    if viewer.id == request.requester and not final:
        withdraw = WithdrawClick(request.id or 0).format()
        buttons = (Button(say("req.withdraw_button", loc), withdraw, style="danger"),)
    return Card(
        title=say("req.status_title", loc, rid=rid, service=service_name(service, request, loc)),
        fields=(*facts, *history, *answer_fields(request, service, viewer, directory)),
        buttons=buttons,
        footer=say("req.open_in_console", loc, url=console_url) if console_url else "",
    )


def my_requests_card(
    requests: list[RequestRow], services: dict[str, Service], viewer: Person
) -> Card:
    loc = viewer.locale
    lines = [
        f"{format_request_id(r.id or 0)}  {service_name(services.get(r.service_id), r, loc)}"
        f"  · {status_label(r.status, loc)} · {local_time(r.updated_at, viewer)}"
        for r in requests
    ]
    buttons = tuple(
        Button(format_request_id(r.id or 0), StatusClick(r.id or 0).format()) for r in requests[:5]
    )
    return Card(title=say("req.mine_title", loc, n=len(requests)), body="\n".join(lines),
                buttons=buttons)
