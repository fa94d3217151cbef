"""What 转交 (transfer) and 加签 (add an approver) share: whose seat the person acting holds,
whom they name, and whether that person may get a seat on the step.

Authority is decided here on every move, as for a decision: only the holder of a pending seat
of the current step (the approver or their delegate today) moves it; the requester is never the
one a seat goes to; the person named must be in the directory and not on the step already.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import conversation
from bot.delegates import delegates_of
from bot.features.approvals import flow
from bot.features.approvals.commands import NOTE_PUNCTUATION, move_words
from bot.people import name_of
from bot.state import PromptState
from bot.turn import Turn
from bot.views import service_name, status_label
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Text
from dialogs.parsing.people import parse_user
from dialogs.parsing.result import Parsed
from org.model import Directory, Person
from store import approvals
from store.approvals import active_seats
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestRow


@dataclass(frozen=True)
class Held:
    """The seat ``turn.person`` moves, on its pending step, under the request's lock."""

    request: RequestRow
    step: ApprovalStepRow
    seats: list[ApprovalSeatRow]
    seat: ApprovalSeatRow

    @property
    def rid(self) -> str:
        return flow.rid_of(self.request)


async def held_by_request(turn: Turn, request_id: int) -> Held | None:
    """"转交 REQ-12 ...": the current step of that request, if it is this person's to move."""
    request = await visible_request(turn, request_id, lock=True)
    if request is None:
        return None
    pending = [s for s in await approvals.steps_of(turn.session, request_id=request_id)
               if s.state == "pending"]
    if not pending:
        await turn.reply(Text(say("apr.nothing_pending", turn.locale, rid=flow.rid_of(request),
                                  status=status_label(request.status, turn.locale))))
        return None
    return await _held_on(turn, request, pending[0], None)


async def held_by_step(turn: Turn, step_id: int, seat: str | None) -> Held | None:
    """A Transfer button (or the answer to its question): that step and seat."""
    locked = await flow.locked_step(turn, step_id)
    return await _held_on(turn, *locked, seat) if locked is not None else None


async def _held_on(
    turn: Turn, request: RequestRow, step: ApprovalStepRow, seat: str | None
) -> Held | None:
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    taken = await flow.seat_to_take(turn, request, step, seats, seat)
    return Held(request, step, seats, taken) if taken is not None else None


def split_target(text: str, directory: Directory) -> tuple[Person | None, str, str]:
    """"给 carol 我在休假" -> (carol, "我在休假", "carol"). A full name comes first, so
    "to Erin Li on leave" and a name glued to the note ("给赵强我在休假") are found too. The
    person is None when nobody is named or known; the last item is the name as typed."""
    rest, first = move_words(text)
    if not rest:
        return None, "", ""
    folded = rest.casefold()
    for person in sorted(directory.persons.values(), key=lambda p: -len(p.name)):
        if len(person.name) >= 2 and folded.startswith(person.name.casefold()):
            return person, rest[len(person.name):].strip(NOTE_PUNCTUATION), person.name
    found = parse_user(first, directory)
    named = directory.person(str(found.value)) if isinstance(found, Parsed) else None
    if named is not None:
        return named, rest[len(first):].strip(NOTE_PUNCTUATION), first
    return None, "", first


async def may_seat(turn: Turn, held: Held, target: Person) -> bool:
    """Whether ``target`` may get a seat on the held step; if not, say why (and audit it)."""
    directory = turn.services.bundle.directory
    if target.id == held.request.requester:
        await _refuse(turn, held, "target_is_requester", say(
            "apr.move_requester", turn.locale, rid=held.rid, who=target.name))
        return False
    if target.id in on_step(held.seats):
        await _refuse(turn, held, "target_on_step", say(
            "apr.move_already_on", turn.locale, rid=held.rid, who=name_of(directory, target.id)))
        return False
    return True


def on_step(seats: Sequence[ApprovalSeatRow]) -> set[str]:
    return {s.approver for s in active_seats(seats)}


async def _refuse(turn: Turn, held: Held, why: str, text: str) -> None:
    await turn.audit("approval.refused", held.rid, {"why": why})
    await turn.reply(Text(text))


def note_text(note: str, locale: str) -> str:
    return say("apr.move_note", locale, note=note) if note else ""


@dataclass(frozen=True)
class Move:
    """One kind of move (转交 or 加签): the question it asks when nobody is named, the change
    it makes in the store (False: the seat moved meanwhile), and what it puts on the trail and
    says to the person given the seat, to the one moving and to the requester (``{to}`` is the
    person given the seat in each of them)."""

    purpose: str  # its prompt: the answer to "whom?"
    ask_key: str
    seat: Callable[[Turn, Held, Person, str], Awaitable[bool]]
    action: str
    trail: Callable[[Held, Person, str], Mapping[str, Any]]
    to_target_key: str
    to_mover_key: str
    to_requester_key: str


async def ask_whom(turn: Turn, held: Held, move: Move) -> None:
    await conversation.ask(turn, PromptState(move.purpose, request=held.request.id or 0,
                                             step=held.step.id or 0, seat=held.seat.approver))
    await turn.reply(Text(say(move.ask_key, turn.locale, rid=held.rid)))


async def make(turn: Turn, held: Held, text: str, move: Move) -> None:
    """Give a seat of the held step to the person ``text`` names ("给 carol 我在休假": carol,
    note 我在休假); ask whom when nobody is named, again when the name is not known."""
    target, note, typed = split_target(text, turn.services.bundle.directory)
    if not typed:
        await ask_whom(turn, held, move)
        return
    if target is None:
        await conversation.ask(turn, PromptState(move.purpose, request=held.request.id or 0,
                                                 step=held.step.id or 0,
                                                 seat=held.seat.approver))
        await turn.reply(Text(say("apr.move_unknown", turn.locale, who=typed)))
        return
    if not await may_seat(turn, held, target):
        return
    if not await move.seat(turn, held, target, note):
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    await _made(turn, held, target, note, move)


async def by_answer(turn: Turn, prompt: PromptState, text: str, move: Move) -> None:
    """The answer to "whom?"; the seat is checked again, it may have moved meanwhile."""
    held = await held_by_step(turn, prompt.step, prompt.seat or None)
    if held is not None:
        await make(turn, held, text, move)


async def _made(turn: Turn, held: Held, target: Person, note: str, move: Move) -> None:
    request, step, seat = held.request, held.step, held.seat
    directory = turn.services.bundle.directory
    service = flow.service_of(turn, request)
    on_behalf = seat.approver if seat.approver != turn.person.id else None
    await turn.audit(move.action, held.rid, {"round": step.round, "step": step.position,
                                             **move.trail(held, target, note)},
                     on_behalf_of=on_behalf)
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    await flow.refresh_cards(turn, request, service, step, seats)
    await turn.tell(target.id, Text(say(
        move.to_target_key, target.locale, rid=held.rid, who=turn.person.name,
        service=service_name(service, request, target.locale),
        note=note_text(note, target.locale)).strip()))
    delegate = (await delegates_of(turn.session, directory, [target.id], turn.today)
                ).get(target.id)
    await flow.deliver_seat(turn, request, service, step, seats, target.id, delegate)
    await turn.reply(Text(say(move.to_mover_key, turn.locale, rid=held.rid, to=target.name)))
    await turn.tell(request.requester, Text(say(
        move.to_requester_key, turn.locale_of(request.requester), rid=held.rid,
        who=name_of(directory, seat.approver), to=target.name)))
