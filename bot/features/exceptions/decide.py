"""Granting: the finished draft goes to its approvers (and, for impact high, also to the
high-impact approver: both must grant); never to the requester nor to anyone acting for them.
A delegate decides for the approver they stand in for, as in approvals. The requester hears
the outcome; a grant starts the effect (``effects``) and the expiry timers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import card_updates, conversation
from bot.delegates import delegate_of, delegates_of
from bot.exception_marks import STATE_KEYS, kind_name
from bot.features.approvals.routing import resolve_reference
from bot.features.exceptions import effects
from bot.features.exceptions.actions import ExceptionCardCopy
from bot.features.exceptions.cards import exception_card
from bot.features.time.clocks import policy_of
from bot.features.time.policy import Policy
from bot.features.time.resync import resync_touched
from bot.features.time.subjects import subject_of
from bot.people import names
from bot.state import PromptState
from bot.turn import Turn
from bot.views import local_time
from chat.i18n import say
from chat.replies import Message, Text
from dialogs.model import ExceptionKind, Service
from org.business_time import add_working_time, length_of
from org.durations import parse_duration
from org.model import Calendar, Duration
from store import exceptions as grants
from store import requests, timers
from store.models import ExceptionGrantRow, OutboxRow, RequestRow
from store.requests import format_request_id

PARTS = ("approver", "high")  # the approver, and for impact high the high-impact approver


def _service(turn: Turn, request: RequestRow) -> Service | None:
    return turn.services.bundle.catalog.get(request.service_id)


async def _excluded(turn: Turn, request: RequestRow, row: ExceptionGrantRow) -> set[str]:
    """The requester, whoever asked, and whoever acts for the requester today."""
    directory = turn.services.bundle.directory
    acting = await delegate_of(turn.session, directory, request.requester, turn.today)
    return {request.requester, row.requested_by, *([acting] if acting else [])}


async def send(turn: Turn, request: RequestRow, kind: ExceptionKind,
               row: ExceptionGrantRow) -> None:
    directory = turn.services.bundle.directory
    requester = directory.person(request.requester)
    excluded = await _excluded(turn, request, row)
    references = {"approver": kind.approver}
    if row.impact == "high" and kind.high_impact_approver:
        references["high"] = kind.high_impact_approver
    seats = {part: [p for p in resolve_reference(ref, requester, directory, request.answers)
                    if p not in excluded] if requester else []
             for part, ref in references.items()}
    rid = format_request_id(request.id or 0)
    if not all(seats.values()):
        await turn.audit("exception.refused", rid, {"why": "no_approver", "kind": kind.kind})
        await turn.reply(Text(say("exc.no_approver", turn.locale, rid=rid,
                                  kind=kind.name.get(turn.locale))))
        return
    await grants.change(turn.session, row=row, from_states=("draft",), now=turn.now,
                        state="requested", seats=seats)
    everyone = list(dict.fromkeys(p for people in seats.values() for p in people))
    stand_ins = await delegates_of(turn.session, directory, everyone, turn.today)
    shown_to = [*everyone, *sorted({d for d in stand_ins.values() if d} - set(everyone))]
    eid = grants.format_exception_id(row.id or 0)
    await turn.audit("exception.requested", rid, {
        "exception": eid, "kind": kind.kind, "effect": kind.effect, "reason": row.reason,
        "reason_text": row.reason_text or "", "impact": row.impact, "validity": row.validity,
        "justification": row.justification, "seats": seats,
        "to": shown_to})  # who gets the card (approvers and their delegates) may see REQ
    await send_cards(turn, request, row)
    await turn.reply(Text(say("exc.sent", turn.locale, eid=eid, rid=rid,
                              kind=kind.name.get(turn.locale),
                              who=names(directory, everyone, turn.locale))))
    policy = policy_of(turn, _service(turn, request))
    await timers.schedule(turn.session, kind="exception.nudge",
                          subject=subject_of("exception", row.id),
                          due_at=policy.after(turn.now, policy.approval_reminder), now=turn.now)


async def recent_count(turn: Turn, service_id: str) -> int:
    since = turn.now - grants.REVIEW_WINDOW
    return len(await grants.granted_since(turn.session, service_id=service_id, since=since))


async def send_cards(turn: Turn, request: RequestRow, row: ExceptionGrantRow) -> None:
    """A card to every holder of an open part, and to each one's delegate today."""
    directory = turn.services.bundle.directory
    recent = await recent_count(turn, request.service_id)
    holders = grants.seat_holders(row)
    people = {p for part in grants.open_parts(row) for p in holders[part]}
    stand_ins = await delegates_of(turn.session, directory, people, turn.today)
    excluded = await _excluded(turn, request, row)
    for person in sorted(people | {d for d in stand_ins.values() if d}):
        viewer = directory.person(person)
        if viewer is None or person in excluded:
            continue
        parts = await parts_for(turn, row, person)
        card = exception_card(request, _service(turn, request), row, viewer, directory,
                              recent=recent, parts=[p for p, _ in parts])
        await turn.tell(person, card,
                        correlation=ExceptionCardCopy(row.id or 0, person).format())


async def parts_for(turn: Turn, row: ExceptionGrantRow, person: str
                    ) -> list[tuple[str, str | None]]:
    """The open parts ``person`` may decide, each with whom they decide for (None: themself)."""
    directory = turn.services.bundle.directory
    holders = grants.seat_holders(row)
    found: list[tuple[str, str | None]] = []
    for part in grants.open_parts(row):
        if person in holders[part]:
            found.append((part, None))
            continue
        for holder in holders[part]:
            if await delegate_of(turn.session, directory, holder, turn.today) == person:
                found.append((part, holder))
                break
    return found


async def refresh_cards(turn: Turn, request: RequestRow, row: ExceptionGrantRow) -> None:
    """Every copy of the exception's card shows it as it is now."""
    directory = turn.services.bundle.directory
    recent = await recent_count(turn, request.service_id)
    copies = await _parts_by_person(turn, row)

    def render(outbox_row: OutboxRow) -> Message | None:
        copy = ExceptionCardCopy.parse(outbox_row.correlation or "")
        viewer = directory.person(copy.to) if copy else None
        if viewer is None:
            return None
        return exception_card(request, _service(turn, request), row, viewer, directory,
                              recent=recent, parts=copies.get(viewer.id, []))

    await card_updates.refresh(turn, ExceptionCardCopy.of_exception(row.id or 0), render)


async def _parts_by_person(turn: Turn, row: ExceptionGrantRow) -> dict[str, list[str]]:
    people = {p for holders in grants.seat_holders(row).values() for p in holders}
    directory = turn.services.bundle.directory
    stand_ins = await delegates_of(turn.session, directory, people, turn.today)
    everyone = people | {d for d in stand_ins.values() if d}
    return {p: [part for part, _ in await parts_for(turn, row, p)] for p in everyone}


# --- deciding -------------------------------------------------------------------------------


async def decide(turn: Turn, exception_id: int, part: str, verdict: str, comment: str) -> None:
    """``verdict`` grant or deny, by ``turn.person`` for ``part`` (empty: any they hold)."""
    row = await grants.get(turn.session, exception_id=exception_id)
    request = (await requests.lock_request(turn.session, request_id=row.request_id)
               if row else None)
    eid = grants.format_exception_id(exception_id)
    if row is None or request is None:
        await turn.reply(Text(say("exc.not_found", turn.locale, eid=eid)))
        return
    await grants.get(turn.session, exception_id=exception_id)  # fresh, under the lock
    taken = await _seat(turn, request, row, part)
    if taken is None:
        return
    part, on_behalf = taken
    if verdict == "deny" and not comment.strip():
        await _ask_why(turn, request, row, part)
        return
    decisions = dict(row.decisions or {})
    decisions[part] = {"by": turn.person.id, "for": on_behalf or turn.person.id,
                       "verdict": verdict, "comment": comment.strip()}
    if verdict == "deny":
        await _deny(turn, request, row, part, decisions, comment.strip(), on_behalf)
    elif [p for p in grants.open_parts(row) if p not in decisions]:
        await _one_of_two(turn, request, row, part, decisions, on_behalf)
    else:
        await _grant(turn, request, row, part, decisions, on_behalf)


async def _seat(turn: Turn, request: RequestRow, row: ExceptionGrantRow, part: str
                ) -> tuple[str, str | None] | None:
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    me = turn.person.id
    loc = turn.locale
    if row.state != "requested":
        await turn.reply(Text(say("exc.already_decided", loc, eid=eid,
                                  state=_state_word(row, loc))))
        return None
    if me in (request.requester, row.requested_by):
        await _refuse(turn, rid, eid, "own", say("exc.own", loc, eid=eid))
        return None
    if me in await _excluded(turn, request, row):
        await _refuse(turn, rid, eid, "for_requester", say("exc.for_requester", loc, eid=eid))
        return None
    mine = [(p, behalf) for p, behalf in await parts_for(turn, row, me) if not part or p == part]
    if not mine:
        await _refuse(turn, rid, eid, "not_approver", say("exc.not_approver", loc, eid=eid))
        return None
    return sorted(mine, key=lambda found: found[1] is not None)[0]


def _state_word(row: ExceptionGrantRow, locale: str) -> str:
    return say(STATE_KEYS.get(row.state, "exc.state_requested"), locale)


async def _refuse(turn: Turn, rid: str, eid: str, why: str, text: str) -> None:
    await turn.audit("exception.refused", rid, {"exception": eid, "why": why})
    await turn.reply(Text(text))


async def _ask_why(turn: Turn, request: RequestRow, row: ExceptionGrantRow, part: str) -> None:
    await conversation.ask(turn, PromptState("exc_deny", request=request.id or 0,
                                             task=row.id or 0, seat=part))
    await turn.reply(Text(say("exc.ask_deny_reason", turn.locale,
                              eid=grants.format_exception_id(row.id or 0))))


async def _deny(turn: Turn, request: RequestRow, row: ExceptionGrantRow, part: str,
                decisions: dict[str, object], comment: str, on_behalf: str | None) -> None:
    if not await grants.change(turn.session, row=row, from_states=("requested",), now=turn.now,
                               state="denied", decisions=decisions, end_note=comment):
        return
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    await turn.audit("exception.denied", rid, {"exception": eid, "part": part,
                                               "comment": comment}, on_behalf_of=on_behalf)
    await timers.cancel(turn.session, subject=subject_of("exception", row.id), now=turn.now)
    await turn.reply(Text(say("exc.you_denied", turn.locale, eid=eid)))
    loc = turn.locale_of(request.requester)
    kind = _kind(turn, request, row)
    await turn.tell(request.requester, Text(say(
        "exc.denied_notice", loc, eid=eid, rid=rid, kind=kind_name(kind, row, loc),
        who=turn.person.name, reason=comment)))
    await refresh_cards(turn, request, row)


def _kind(turn: Turn, request: RequestRow, row: ExceptionGrantRow) -> ExceptionKind | None:
    service = _service(turn, request)
    return service.exception_kind(row.kind) if service else None


async def _one_of_two(turn: Turn, request: RequestRow, row: ExceptionGrantRow, part: str,
                      decisions: dict[str, object], on_behalf: str | None) -> None:
    if not await grants.change(turn.session, row=row, from_states=("requested",), now=turn.now,
                               decisions=decisions):
        return
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    await turn.audit("exception.approved", rid, {"exception": eid, "part": part},
                     on_behalf_of=on_behalf)
    directory = turn.services.bundle.directory
    waiting = [p for part_ in grants.open_parts(row) for p in grants.seat_holders(row)[part_]]
    await turn.reply(Text(say("exc.you_granted_part", turn.locale, eid=eid,
                              who=names(directory, waiting, turn.locale))))
    loc = turn.locale_of(request.requester)
    await turn.tell(request.requester, Text(say(
        "exc.part_notice", loc, eid=eid, who=turn.person.name,
        waiting=names(directory, waiting, loc))))
    await refresh_cards(turn, request, row)


async def _grant(turn: Turn, request: RequestRow, row: ExceptionGrantRow, part: str,
                 decisions: dict[str, object], on_behalf: str | None) -> None:
    service = _service(turn, request)
    kind = service.exception_kind(row.kind) if service else None
    policy = policy_of(turn, service)
    validity = parse_duration(row.validity or (str(kind.max_duration) if kind else "1d"))
    ends_at = policy.after(turn.now, validity)
    if not await grants.change(turn.session, row=row, from_states=("requested",), now=turn.now,
                               state="granted", decisions=decisions, granted_at=turn.now,
                               ends_at=ends_at):
        return
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    data: dict[str, object] = {"exception": eid, "part": part, "kind": row.kind,
                               "effect": row.effect, "validity": row.validity,
                               "ends_at": ends_at.isoformat()}
    if kind is not None and kind.effect == "expedite" and kind.resolution is not None:
        data["resolution"] = str(kind.resolution)
    await turn.audit("exception.granted", rid, data, on_behalf_of=on_behalf)
    await _schedule_end(turn, row, policy, validity, ends_at)
    await turn.reply(Text(say("exc.you_granted", turn.locale, eid=eid,
                              end=local_time(ends_at, turn.person))))
    await _tell_granted(turn, request, row, kind)
    await refresh_cards(turn, request, row)
    await effects.refresh_request_cards(turn, request)
    if kind is not None:
        await effects.start(turn, request, kind, row)
        await effects.review_if_frequent(turn, request, service, kind)
    await resync_touched(turn)


async def _schedule_end(turn: Turn, row: ExceptionGrantRow, policy: Policy,
                        validity: Duration, ends_at: datetime) -> None:
    subject = subject_of("exception", row.id)
    await timers.cancel(turn.session, subject=subject, now=turn.now, kinds=("exception.nudge",))
    await timers.schedule(turn.session, kind="exception.expire", subject=subject, due_at=ends_at,
                          now=turn.now)
    remind_at = reminder_at(turn, policy, turn.now, validity)
    if remind_at is not None and remind_at > turn.now:
        await timers.schedule(turn.session, kind="exception.remind", subject=subject,
                              due_at=remind_at, now=turn.now)


def reminder_at(turn: Turn, policy: Policy, granted_at: datetime, validity: Duration
                ) -> datetime | None:
    """``exception_reminder_before`` ahead of the end, counted the way the validity counts;
    None when the validity is not longer than that."""
    before = parse_duration(turn.services.settings.policies.exception_reminder_before)
    calendar = policy.calendar
    if (validity.business or before.business) and calendar is None:
        return None
    counted = calendar or _WALL
    left = length_of(counted, validity) - length_of(counted, before)
    if left <= timedelta():
        return None
    if validity.business and calendar is not None:
        return add_working_time(calendar, granted_at, left)
    return granted_at + left


_WALL = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())


async def _tell_granted(turn: Turn, request: RequestRow, row: ExceptionGrantRow,
                        kind: ExceptionKind | None) -> None:
    rid = format_request_id(request.id or 0)
    eid = grants.format_exception_id(row.id or 0)
    loc = turn.locale_of(request.requester)
    person = turn.services.bundle.directory.person(request.requester)
    end = local_time(row.ends_at, person) if row.ends_at and person else "-"
    await turn.tell(request.requester, Text(say(
        "exc.granted_notice", loc, eid=eid, rid=rid, kind=kind_name(kind, row, loc),
        who=turn.person.name, end=end)))


def deciders(row: ExceptionGrantRow) -> Sequence[str]:
    """Whoever granted it (and those they granted for)."""
    found: list[str] = []
    for decision in (row.decisions or {}).values():
        if isinstance(decision, dict):
            for key in ("by", "for"):
                person = decision.get(key)
                if isinstance(person, str) and person not in found:
                    found.append(person)
    return found
