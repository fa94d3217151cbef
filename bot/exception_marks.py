"""One line about a request's exceptions (例外) that hold or wait for a decision, for every
card of the request: its status card, and its tasks' cards (``bot.features.tasks.cards``).
It sits below the features, so that the tasks feature can show it without importing the
exceptions feature."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.views import local_time
from chat.i18n import say
from chat.replies import CardField
from dialogs.model import ExceptionKind, Service
from org.model import Person
from store import exceptions as grants
from store.models import ExceptionGrantRow

# One key per state and end cause, written out so a test can check each exists.
STATE_KEYS = {"draft": "exc.state_draft", "requested": "exc.state_requested",
              "granted": "exc.state_granted", "denied": "exc.state_denied",
              "ended": "exc.state_ended"}
CAUSE_KEYS = {"expired": "exc.cause_expired", "revoked": "exc.cause_revoked",
              "closed": "exc.cause_closed", "rejected": "exc.cause_rejected",
              "withdrawn": "exc.cause_withdrawn"}


def kind_name(kind: ExceptionKind | None, row: ExceptionGrantRow, locale: str) -> str:
    return kind.name.get(locale) if kind else row.kind


def state_text(row: ExceptionGrantRow, viewer: Person) -> str:
    loc = viewer.locale
    if row.state == "granted" and row.ends_at is not None:
        return say("exc.state_granted_until", loc, end=local_time(row.ends_at, viewer))
    if row.state == "ended":
        cause = CAUSE_KEYS.get(row.end_cause or "")
        return say("exc.state_ended_by", loc, cause=say(cause, loc) if cause else "-")
    return say(STATE_KEYS.get(row.state, "exc.state_requested"), loc)


def active_fields(rows: Sequence[ExceptionGrantRow], service: Service | None, viewer: Person
                  ) -> tuple[CardField, ...]:
    """One line per exception that holds or waits for a decision, for the request's cards."""
    loc = viewer.locale
    lines = []
    for row in rows:
        if row.state not in grants.LIVE_STATES:
            continue
        kind = service.exception_kind(row.kind) if service else None
        lines.append(CardField(say("exc.field_exception", loc), say(
            "exc.active_line", loc, eid=grants.format_exception_id(row.id or 0),
            kind=kind_name(kind, row, loc), state=state_text(row, viewer))))
    return tuple(lines)


async def live_of(session: AsyncSession, request_id: int) -> list[ExceptionGrantRow]:
    """The request's exceptions that hold or wait for a decision."""
    return await grants.of_request(session, request_id=request_id, states=grants.LIVE_STATES)
