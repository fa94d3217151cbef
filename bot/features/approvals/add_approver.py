"""加签 (add an approver): the holder of a pending seat adds a colleague to the current step,
after themselves. The step then needs one approval more, and it must be the added person's: it
does not end while an added seat is pending, whatever the step's mode (``added_undecided``).
"""

from __future__ import annotations

from bot import conversation
from bot.delegates import delegates_of
from bot.features.approvals import flow
from bot.features.approvals.moves import Held, held_by_step, may_seat, note_text, split_target
from bot.people import name_of
from bot.state import PromptState
from bot.turn import Turn
from bot.views import service_name
from chat.i18n import say
from chat.replies import Text
from org.model import Person
from store import approvals


async def ask_whom(turn: Turn, held: Held) -> None:
    await conversation.ask(turn, PromptState("add_approver", request=held.request.id or 0,
                                             step=held.step.id or 0, seat=held.seat.approver))
    await turn.reply(Text(say("apr.ask_add_who", turn.locale, rid=held.rid)))


async def add(turn: Turn, held: Held, text: str) -> None:
    """Add the person ``text`` names ("dave 请看下预算": dave, note 请看下预算)."""
    target, note, typed = split_target(text, turn.services.bundle.directory)
    if not typed:
        await ask_whom(turn, held)
        return
    if target is None:
        await conversation.ask(turn, PromptState("add_approver", request=held.request.id or 0,
                                                 step=held.step.id or 0,
                                                 seat=held.seat.approver))
        await turn.reply(Text(say("apr.move_unknown", turn.locale, who=typed)))
        return
    if not await may_seat(turn, held, target):
        return
    added = await approvals.add_seat(turn.session, step=held.step, approver=target.id,
                                     added_by=held.seat.approver)
    if added is None:
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    await _added(turn, held, target, note)


async def by_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    held = await held_by_step(turn, prompt.step, prompt.seat or None)
    if held is not None:
        await add(turn, held, text)


async def _added(turn: Turn, held: Held, target: Person, note: str) -> None:
    request, step, seat = held.request, held.step, held.seat
    directory = turn.services.bundle.directory
    service = flow.service_of(turn, request)
    on_behalf = seat.approver if seat.approver != turn.person.id else None
    await turn.audit("approval.approver_added", held.rid, {
        "round": step.round, "step": step.position, "by_seat": seat.approver,
        "added": target.id, "required": step.required, "note": note}, on_behalf_of=on_behalf)
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    await flow.refresh_cards(turn, request, service, step, seats)
    await turn.tell(target.id, Text(say(
        "apr.added_you", target.locale, rid=held.rid, who=turn.person.name,
        service=service_name(service, request, target.locale),
        note=note_text(note, target.locale)).strip()))
    delegate = (await delegates_of(turn.session, directory, [target.id], turn.today)
                ).get(target.id)
    await flow.deliver_seat(turn, request, service, step, seats, target.id, delegate)
    await turn.reply(Text(say("apr.you_added", turn.locale, rid=held.rid, who=target.name)))
    loc = turn.locale_of(request.requester)
    await turn.tell(request.requester, Text(say(
        "apr.added_notice", loc, rid=held.rid, who=name_of(directory, seat.approver),
        added=target.name)))
