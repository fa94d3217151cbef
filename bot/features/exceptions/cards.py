"""How an exception looks in chat: the card its approvers get, its one line on the request's
cards, and the lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.action_ids import StatusClick
from bot.exception_marks import kind_name, state_text
from bot.features.exceptions.actions import ExceptionClick
from bot.people import name_of
from bot.views import local_time, service_name
from chat.i18n import say
from chat.replies import Button, Card, CardField
from dialogs.model import OTHER_REASON, ExceptionKind, Service
from org.model import Directory, Person
from store import exceptions as grants
from store.models import ExceptionGrantRow, RequestRow
from store.requests import format_request_id

# One key per impact level, written out so a test can check each exists.
IMPACT_KEYS = {"low": "exc.impact_low", "medium": "exc.impact_medium",
               "high": "exc.impact_high"}


def reason_text(kind: ExceptionKind | None, row: ExceptionGrantRow, locale: str) -> str:
    if row.reason == OTHER_REASON or kind is None:
        return row.reason_text or row.reason or "-"
    reason = kind.reason(row.reason or "")
    label = reason.label.get(locale) if reason else (row.reason or "-")
    return f"{label} ({row.reason_text})" if row.reason_text else label


def impact_text(row: ExceptionGrantRow, locale: str) -> str:
    key = IMPACT_KEYS.get(row.impact or "")
    return say(key, locale) if key else "-"


def exception_card(
    request: RequestRow, service: Service | None, row: ExceptionGrantRow, viewer: Person,
    directory: Directory, *, recent: int, parts: Sequence[str] = (),
) -> Card:
    """The approver's card; ``parts``: what this viewer may still decide (grant/deny buttons)."""
    loc = viewer.locale
    kind = service.exception_kind(row.kind) if service else None
    eid = grants.format_exception_id(row.id or 0)
    fields = (
        CardField(say("exc.field_request", loc), f"{format_request_id(request.id or 0)} "
                                                 f"{service_name(service, request, loc)}"),
        CardField(say("exc.field_requester", loc), name_of(directory, row.requested_by)),
        CardField(say("exc.field_reason", loc), reason_text(kind, row, loc)),
        CardField(say("exc.field_impact", loc), impact_text(row, loc)),
        CardField(say("exc.field_validity", loc), row.validity or "-"),
        CardField(say("exc.field_justification", loc), row.justification or "-"),
        CardField(say("exc.field_recent", loc), say("exc.recent_value", loc, n=recent)),
        CardField(say("exc.field_state", loc), state_text(row, viewer)),
    )
    buttons: list[Button] = []
    if row.state == "requested":
        for part in parts:
            buttons.append(Button(say("exc.grant_button", loc),
                                  ExceptionClick("grant", row.id or 0, part).format(),
                                  style="primary"))
            buttons.append(Button(say("exc.deny_button", loc),
                                  ExceptionClick("deny", row.id or 0, part).format(),
                                  style="danger", needs_reason=True))
    buttons.append(Button(say("exc.details_button", loc), StatusClick(request.id or 0).format()))
    return Card(title=say("exc.card_title", loc, eid=eid, kind=kind_name(kind, row, loc),
                          rid=format_request_id(request.id or 0)),
                fields=fields, buttons=tuple(buttons))


def list_lines(rows: Sequence[tuple[ExceptionGrantRow, RequestRow | None]],
               services: dict[str, Service], viewer: Person) -> list[str]:
    loc = viewer.locale
    lines = []
    for row, request in rows:
        service = services.get(row.service_id)
        kind = service.exception_kind(row.kind) if service else None
        lines.append(say("exc.list_line", loc, eid=grants.format_exception_id(row.id or 0),
                         rid=format_request_id(row.request_id), kind=kind_name(kind, row, loc),
                         reason=reason_text(kind, row, loc), state=state_text(row, viewer),
                         at=local_time(row.updated_at, viewer),
                         service=service_name(service, request, loc) if request else
                         row.service_id))
    return lines


def ends_text(moment: datetime | None, viewer: Person) -> str:
    return local_time(moment, viewer) if moment else "-"
