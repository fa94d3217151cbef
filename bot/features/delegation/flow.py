"""Delegating approvals in chat: "委托 carol 代批到12月10日", "取消委托", "我的委托".

While a delegation is active, new approval cards go to the delegate (and the approver is told);
pending ones are re-sent to the delegate when the delegation is made.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import conversation
from bot.delegates import delegate_of, file_delegation_of
from bot.features.approvals import flow
from bot.people import name_of
from bot.state import PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.parsing.dates import parse_date
from dialogs.parsing.people import parse_user
from dialogs.parsing.result import Parsed
from store import approvals, delegations, requests
from store.models import DelegationRow

MAX_DELEGATION_DAYS = 366


def looks_like_a_person(turn: Turn, text: str) -> bool:
    """Whether "委托 <text>" names a colleague (else the sentence is for intent matching)."""
    return isinstance(parse_user(text, turn.services.bundle.directory), Parsed)


async def delegate(turn: Turn, to_text: str, until_text: str) -> None:
    directory = turn.services.bundle.directory
    who = parse_user(to_text, directory)
    if not isinstance(who, Parsed):
        await turn.reply(Text(f"{who.reason.get(turn.locale)}\n{say('deleg.usage', turn.locale)}"))
        return
    to = str(who.value)
    if not until_text.strip() and to != turn.person.id:  # "委托 carol": until when?
        await conversation.ask(turn, PromptState("delegation_until", seat=to))
        await turn.reply(Text(say("deleg.ask_until", turn.locale, to=name_of(directory, to))))
        return
    until = parse_date(until_text, turn.today) if until_text else None
    if not isinstance(until, Parsed):
        await turn.reply(Text(say("deleg.usage", turn.locale)))
        return
    end: date = until.value
    problem = _problem(turn, to, end)
    if problem:
        await turn.reply(Text(problem))
        return
    for row in await delegations.live_for(turn.session, from_person=turn.person.id, on=turn.today):
        await delegations.cancel(turn.session, row=row, now=turn.now)
    await delegations.add(turn.session, from_person=turn.person.id, to_person=to,
                          starts_on=turn.today, ends_on=end, now=turn.now)
    await turn.audit("delegation.created", f"person:{turn.person.id}",
                     {"to": to, "from": turn.today.isoformat(), "until": end.isoformat()})
    moved = await _resend_pending(turn, to)
    start, finish = turn.today.isoformat(), end.isoformat()
    await turn.notify(to, Text(say("deleg.to_delegate", turn.locale_of(to),
                                   who=turn.person.name, start=start, end=finish)))
    moved_text = say("deleg.moved", turn.locale, n=moved) if moved else ""
    await turn.reply(Text(say("deleg.created", turn.locale, to=name_of(directory, to),
                              start=start, end=finish, moved=moved_text)))


def _problem(turn: Turn, to: str, end: date) -> str | None:
    if to == turn.person.id:
        return say("deleg.self", turn.locale)
    if end < turn.today:
        return say("deleg.past", turn.locale, end=end.isoformat())
    if end - turn.today > timedelta(days=MAX_DELEGATION_DAYS):
        return say("deleg.too_long", turn.locale, days=MAX_DELEGATION_DAYS)
    return None


async def _resend_pending(turn: Turn, to: str) -> int:
    """The person's pending approvals go to the new delegate as cards."""
    moved = 0
    for seat, step in await approvals.pending_seats_for(turn.session,
                                                        approvers=[turn.person.id]):
        request = await requests.get_request(turn.session, request_id=step.request_id)
        if request is None or request.requester == to:
            continue
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        await flow.send_card(turn, request, flow.service_of(turn, request), step, seats,
                             seat=seat.approver, to=to)
        moved += 1
    return moved


async def cancel(turn: Turn) -> None:
    directory = turn.services.bundle.directory
    current = await delegate_of(turn.session, directory, turn.person.id, turn.today)
    for row in await delegations.live_for(turn.session, from_person=turn.person.id, on=turn.today):
        await delegations.cancel(turn.session, row=row, now=turn.now)
    from_file = file_delegation_of(directory, turn.person.id, turn.today)
    if from_file is not None:  # the file's delegation is switched off for its remaining days
        await delegations.add(turn.session, from_person=turn.person.id, to_person=None,
                              starts_on=turn.today, ends_on=from_file.end, now=turn.now)
    if current is None:
        await turn.reply(Text(say("deleg.none", turn.locale)))
        return
    await turn.audit("delegation.cancelled", f"person:{turn.person.id}", {"to": current})
    await turn.notify(current, Text(say("deleg.cancelled_to_delegate", turn.locale_of(current),
                                        who=turn.person.name)))
    await turn.reply(Text(say("deleg.cancelled", turn.locale)))


async def show(turn: Turn) -> None:
    """Today's delegation, then the ones scheduled later (in chat or in the directory file)."""
    directory = turn.services.bundle.directory
    rows = await delegations.live_for(turn.session, from_person=turn.person.id, on=turn.today)
    current = next((r for r in rows if r.starts_on <= turn.today <= r.ends_on), None)
    lines = []
    if current is not None and current.to_person:
        lines.append(say("deleg.current", turn.locale, to=name_of(directory, current.to_person),
                         start=current.starts_on.isoformat(), end=current.ends_on.isoformat()))
    from_file = file_delegation_of(directory, turn.person.id, turn.today)
    if current is None and from_file is not None:
        lines.append(say("deleg.current", turn.locale, to=name_of(directory, from_file.to_person),
                         start=from_file.start.isoformat(), end=from_file.end.isoformat()))
    lines += [say("deleg.scheduled", turn.locale, to=name_of(directory, to),
                  start=start.isoformat(), end=end.isoformat())
              for to, start, end in _scheduled(turn, rows)]
    await turn.reply(Text("\n".join(lines) or say("deleg.none", turn.locale)))


def _scheduled(turn: Turn, rows: list[DelegationRow]) -> list[tuple[str, date, date]]:
    """Delegations that start after today: chat rows, and the file's unless a chat row
    switched them off (a row without ``to_person`` over their start)."""
    later = [(r.to_person, r.starts_on, r.ends_on) for r in rows
             if r.starts_on > turn.today and r.to_person is not None]
    for d in turn.services.bundle.directory.delegations:
        off = any(r.starts_on <= d.start <= r.ends_on for r in rows)
        if d.from_person == turn.person.id and d.start > turn.today and not off:
            later.append((d.to_person, d.start, d.end))
    return sorted(later, key=lambda item: item[1])
