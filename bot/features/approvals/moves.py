"""What 转交 (transfer) and 加签 (add an approver) share: whose seat the person acting holds,
whom they name, and whether that person may get a seat on the step.

Authority is decided here on every move, as for a decision: only the holder of a pending seat
of the current step (the approver or their delegate today) moves it; the requester is never the
one a seat goes to; the person named must be in the directory and not on the step already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.features.approvals import flow
from bot.features.approvals.commands import NOTE_PUNCTUATION, move_words
from bot.people import name_of
from bot.turn import Turn
from bot.views import status_label
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Text
from dialogs.parsing.people import parse_user
from dialogs.parsing.result import Parsed
from org.model import Directory, Person
from store import approvals, requests
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
    found = await approvals.get_step(turn.session, step_id=step_id)
    request = (await requests.lock_request(turn.session, request_id=found.request_id)
               if found else None)
    step = await approvals.get_step(turn.session, step_id=step_id) if request else None
    if request is None or step is None:
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return None
    return await _held_on(turn, request, step, seat)


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
