"""How requests look in chat: the status card and the list of someone's requests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.access import owners_of
from chat.i18n import say
from chat.replies import Button, Card, CardField
from dialogs.engine import DialogContext, summary_fields
from dialogs.model import Service
from org.model import Directory, Person
from store.models import RequestRow
from store.requests import format_request_id

FINAL_STATUSES = frozenset({"rejected", "closed", "withdrawn"})


def local_time(moment: datetime, person: Person) -> str:
    return moment.astimezone(ZoneInfo(person.timezone)).strftime("%Y-%m-%d %H:%M")


STATUS_KEYS = {
    "submitted": "status.submitted", "pending_approval": "status.pending_approval",
    "rejected": "status.rejected", "in_progress": "status.in_progress",
    "resolved": "status.resolved", "closed": "status.closed", "withdrawn": "status.withdrawn",
    "returned": "status.returned",
}


def status_label(status: str, locale: str) -> str:
    return say(STATUS_KEYS[status], locale)


def owner_name(directory: Directory, service: Service | None, locale: str) -> str:
    """The service owner as people know it: the group's name, else the owners' names."""
    if service is None:
        return "-"
    kind, _, ident = service.owner.partition(":")
    if kind == "group" and (group := directory.groups.get(ident)):
        return group.name.get(locale)
    names = [directory.persons[p].name for p in sorted(owners_of(directory, service))]
    return say("fmt.names_sep", locale).join(names) or service.owner


def service_name(service: Service | None, request: RequestRow, locale: str) -> str:
    return service.name.get(locale) if service else request.title


def answer_fields(
    request: RequestRow, service: Service | None, viewer: Person, directory: Directory
) -> tuple[CardField, ...]:
    if service is None:  # the service left the catalog: show what was stored
        return tuple(CardField(k, str(v)) for k, v in request.answers.items())
    ctx = DialogContext(service=service, today=request.created_at.date(), locale=viewer.locale,
                        requester=directory.person(request.requester), directory=directory)
    return summary_fields(ctx, request.answers)


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
        buttons = (Button(say("req.withdraw_button", loc), f"wd:{request.id}", style="danger"),)
    return Card(
        title=say("req.status_title", loc, rid=rid, service=service_name(service, request, loc)),
        fields=(*facts, *history, *answer_fields(request, service, viewer, directory)),
        buttons=buttons,
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
        Button(format_request_id(r.id or 0), f"st:{r.id}") for r in requests[:5]
    )
    return Card(title=say("req.mine_title", loc, n=len(requests)), body="\n".join(lines),
                buttons=buttons)
