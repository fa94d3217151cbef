"""Asking for an exception (例外), turn by turn: the kind, the reason, the impact, the validity
and a justification; only what is missing is asked. The answers so far are a ``draft`` row, so
a question can be answered by a button or by text in a later turn. Refused with a reason: an
unknown kind, a closed request, one already asked or holding of that kind, a validity over the
maximum. ``decide.send`` takes the finished draft to its approvers.
"""

from __future__ import annotations

from bot import conversation
from bot.exception_marks import kind_name
from bot.features.exceptions import decide
from bot.features.exceptions.actions import ExceptionClick
from bot.features.exceptions.cards import IMPACT_KEYS
from bot.features.exceptions.commands import validity_words
from bot.features.time.clocks import policy_of
from bot.state import PromptState
from bot.turn import Turn
from bot.views import FINAL_STATUSES, local_time, status_label
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Button, Card, Text
from dialogs.model import OTHER_REASON, ExceptionKind, Service
from org.durations import parse_duration
from org.model import Duration
from store import exceptions as grants
from store.models import ExceptionGrantRow, RequestRow
from store.requests import format_request_id

MIN_JUSTIFICATION = 4


def service_of(turn: Turn, request: RequestRow) -> Service | None:
    return turn.services.bundle.catalog.get(request.service_id)


async def refuse(turn: Turn, request: RequestRow, why: str, text: str, kind: str = "") -> None:
    await turn.audit("exception.refused", format_request_id(request.id or 0),
                     {"why": why, "kind": kind})
    await turn.reply(Text(text))


# --- the kind -------------------------------------------------------------------------------


async def ask(turn: Turn, request_id: int, hint: str = "") -> None:
    """"加急 REQ-12" (hint expedite) / "申请例外 REQ-12" / the status card's button."""
    request = await visible_request(turn, request_id, lock=True)
    if request is None:
        return
    rid = format_request_id(request_id)
    service = service_of(turn, request)
    kinds = service.exceptions if service else ()
    if turn.person.id != request.requester:
        await refuse(turn, request, "not_requester",
                     say("exc.only_requester", turn.locale, rid=rid), hint)
        return
    if not kinds:
        await refuse(turn, request, "no_kinds", say("exc.no_kinds", turn.locale, rid=rid), hint)
        return
    if hint:
        await choose_kind(turn, request_id, hint, request=request)
        return
    if len(kinds) == 1:
        await choose_kind(turn, request_id, kinds[0].kind, request=request)
        return
    buttons = tuple(Button(k.name.get(turn.locale), ExceptionClick("kind", request_id,
                                                                   k.kind).format())
                    for k in kinds)
    await turn.reply(Card(title=say("exc.ask_kind", turn.locale, rid=rid), buttons=buttons))


async def choose_kind(turn: Turn, request_id: int, kind_id: str, *,
                      request: RequestRow | None = None) -> None:
    request = request or await visible_request(turn, request_id, lock=True)
    if request is None:
        return
    rid = format_request_id(request_id)
    service = service_of(turn, request)
    kind = service.exception_kind(kind_id) if service else None
    if turn.person.id != request.requester:
        await refuse(turn, request, "not_requester",
                     say("exc.only_requester", turn.locale, rid=rid), kind_id)
        return
    if kind is None or service is None:
        names = say("fmt.list_sep", turn.locale).join(
            k.name.get(turn.locale) for k in (service.exceptions if service else ()))
        await refuse(turn, request, "unknown_kind", say(
            "exc.unknown_kind", turn.locale, rid=rid, kind=kind_id, kinds=names or "-"), kind_id)
        return
    if request.status in FINAL_STATUSES:
        await refuse(turn, request, "closed", say(
            "exc.request_closed", turn.locale, rid=rid,
            status=status_label(request.status, turn.locale)), kind_id)
        return
    live = [r for r in await grants.of_request(turn.session, request_id=request_id,
                                               states=grants.LIVE_STATES) if r.kind == kind_id]
    if live:
        await refuse(turn, request, "already", say(
            "exc.already", turn.locale, rid=rid, kind=kind.name.get(turn.locale),
            eid=grants.format_exception_id(live[0].id or 0)), kind_id)
        return
    row = await grants.create_draft(turn.session, request=request, kind=kind.kind,
                                    effect=kind.effect, requested_by=turn.person.id,
                                    now=turn.now)
    await _next_question(turn, request, kind, row)


# --- the questions --------------------------------------------------------------------------


async def _next_question(turn: Turn, request: RequestRow, kind: ExceptionKind,
                         row: ExceptionGrantRow) -> None:
    """Ask the first thing the draft still lacks; submit it when nothing is missing."""
    loc = turn.locale
    eid = row.id or 0
    name = kind.name.get(loc)
    if row.reason is None:
        buttons = tuple(Button(_reason_label(kind, n, loc),
                               ExceptionClick("reason", eid, str(n)).format())
                        for n in range(1, len(kind.reasons) + 1))
        await turn.reply(Card(title=say("exc.ask_reason", loc, kind=name,
                                        rid=format_request_id(request.id or 0)),
                              buttons=buttons))
    elif row.reason == OTHER_REASON and not row.reason_text:
        await _ask(turn, "exc_reason", request, eid, say("exc.ask_reason_text", loc))
    elif row.impact is None:
        buttons = tuple(Button(say(key, loc), ExceptionClick("impact", eid, level).format())
                        for level, key in IMPACT_KEYS.items())
        await turn.reply(Card(title=say("exc.ask_impact", loc), buttons=buttons))
    elif row.validity is None:
        await _ask(turn, "exc_validity", request, eid,
                   say("exc.ask_validity", loc, max=str(kind.max_duration)))
    elif row.justification is None:
        await _ask(turn, "exc_justify", request, eid, say("exc.ask_justification", loc))
    elif await _another_live(turn, request, kind):
        await refuse(turn, request, "already", say(
            "exc.already", loc, rid=format_request_id(request.id or 0), kind=name,
            eid=grants.format_exception_id(eid)), kind.kind)
    else:
        await decide.send(turn, request, kind, row)


async def _ask(turn: Turn, purpose: str, request: RequestRow, exception_id: int,
               text: str) -> None:
    """Open the draft's question ``purpose`` (its answer goes to that prompt) and say it."""
    await conversation.ask(turn, PromptState(purpose, request=request.id or 0,
                                             task=exception_id))
    await turn.reply(Text(text))


async def _another_live(turn: Turn, request: RequestRow, kind: ExceptionKind) -> bool:
    """An older draft finished after a newer one was sent: still one of a kind at a time."""
    live = await grants.of_request(turn.session, request_id=request.id or 0,
                                   states=grants.LIVE_STATES)
    return any(r.kind == kind.kind for r in live)


def _reason_label(kind: ExceptionKind, number: int, locale: str) -> str:
    reason = kind.reasons[number - 1]
    if reason.value == OTHER_REASON and reason.label.get(locale) == OTHER_REASON:
        return say("exc.reason_other", locale)
    return reason.label.get(locale)


async def draft(turn: Turn, exception_id: int
                ) -> tuple[RequestRow, ExceptionKind, ExceptionGrantRow] | None:
    """The person's own draft, its request locked; None after saying the question is over."""
    row = await grants.get(turn.session, exception_id=exception_id)
    if row is None:  # as a typed EXC-n that does not exist (a crafted or very old tap)
        await turn.reply(Text(say("exc.not_found", turn.locale,
                                  eid=grants.format_exception_id(exception_id))))
        return None
    request = await visible_request(turn, row.request_id, lock=True)
    service = service_of(turn, request) if request else None
    kind = service.exception_kind(row.kind) if service and row else None
    if row is None or request is None or kind is None:
        return None
    if row.state != "draft" or row.requested_by != turn.person.id:
        await turn.reply(Text(say("exc.not_a_draft", turn.locale,
                                  eid=grants.format_exception_id(exception_id))))
        return None
    if request.status in FINAL_STATUSES:
        await refuse(turn, request, "closed", say(
            "exc.request_closed", turn.locale, rid=format_request_id(request.id or 0),
            status=status_label(request.status, turn.locale)), kind.kind)
        return None
    return request, kind, row


async def choose_reason(turn: Turn, exception_id: int, position: str) -> None:
    found = await draft(turn, exception_id)
    if found is None:
        return
    request, kind, row = found
    number = int(position) if position.isdigit() else 0
    if not 1 <= number <= len(kind.reasons):
        await _next_question(turn, request, kind, row)
        return
    value = kind.reasons[number - 1].value
    await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                        reason=value)
    await _next_question(turn, request, kind, row)


async def reason_written(turn: Turn, exception_id: int, text: str) -> None:
    found = await draft(turn, exception_id)
    if found is None:
        return
    request, kind, row = found
    if len(text.strip()) < MIN_JUSTIFICATION:
        await _ask(turn, "exc_reason", request, exception_id,
                   say("exc.too_short", turn.locale, n=MIN_JUSTIFICATION))
        return
    await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                        reason=row.reason or OTHER_REASON, reason_text=text.strip())
    await _next_question(turn, request, kind, row)


async def choose_impact(turn: Turn, exception_id: int, impact: str) -> None:
    found = await draft(turn, exception_id)
    if found is None:
        return
    request, kind, row = found
    if impact in grants.IMPACTS:
        await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                            impact=impact)
    await _next_question(turn, request, kind, row)


async def validity_given(turn: Turn, exception_id: int, text: str) -> None:
    found = await draft(turn, exception_id)
    if found is None:
        return
    request, kind, row = found
    written = validity_words(text)
    duration = kind.max_duration if written == "" else _duration(written)
    if duration is None:
        await _ask(turn, "exc_validity", request, row.id or 0, say(
            "exc.validity_unreadable", turn.locale, text=text.strip(),
            max=str(kind.max_duration)))
        return
    policy = policy_of(turn, service_of(turn, request))
    if policy.after(turn.now, duration) > policy.after(turn.now, kind.max_duration):
        await turn.audit("exception.refused", format_request_id(request.id or 0),
                         {"why": "over_max", "kind": kind.kind, "validity": str(duration),
                          "max": str(kind.max_duration)})
        await _ask(turn, "exc_validity", request, row.id or 0, say(
            "exc.validity_over_max", turn.locale, validity=str(duration),
            max=str(kind.max_duration), kind=kind_name(kind, row, turn.locale)))
        return
    await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                        validity=str(duration))
    await turn.reply(Text(say("exc.validity_noted", turn.locale, validity=str(duration),
                              end=local_time(policy.after(turn.now, duration), turn.person))))
    await _next_question(turn, request, kind, row)


def _duration(text: str | None) -> Duration | None:
    try:
        return parse_duration(text) if text else None
    except ValueError:
        return None


async def justification_given(turn: Turn, exception_id: int, text: str) -> None:
    found = await draft(turn, exception_id)
    if found is None:
        return
    request, kind, row = found
    if len(text.strip()) < MIN_JUSTIFICATION:
        await _ask(turn, "exc_justify", request, exception_id,
                   say("exc.too_short", turn.locale, n=MIN_JUSTIFICATION))
        return
    await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                        justification=text.strip())
    await _next_question(turn, request, kind, row)
