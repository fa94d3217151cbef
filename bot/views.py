"""How requests look in chat: the status card and the list of someone's requests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.access import owners_of
from chat.i18n import say
from chat.replies import CardField
from dialogs.engine import DialogContext, summary_fields
from dialogs.model import Service
from org.model import Directory, Person
from store.models import RequestRow

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
