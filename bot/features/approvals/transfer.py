"""转交 (transfer): the holder of a pending seat hands it to a colleague, who then decides.

The old seat stays on the step as ``handed_over`` (its card says to whom), the new holder gets
the approval card, the requester is told, and the trail names both (``approval.transferred``).
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
    """The Transfer button, or "转交 REQ-12" naming nobody: ask to whom."""
    await conversation.ask(turn, PromptState("transfer", request=held.request.id or 0,
                                             step=held.step.id or 0, seat=held.seat.approver))
    await turn.reply(Text(say("apr.ask_transfer_to", turn.locale, rid=held.rid)))


async def transfer(turn: Turn, held: Held, text: str) -> None:
    """Hand ``held`` to the person ``text`` names ("给 carol 我在休假": carol, note 我在休假)."""
    directory = turn.services.bundle.directory
    target, note, typed = split_target(text, directory)
    if not typed:
        await ask_whom(turn, held)
        return
    if target is None:
        await conversation.ask(turn, PromptState("transfer", request=held.request.id or 0,
                                                 step=held.step.id or 0,
                                                 seat=held.seat.approver))
        await turn.reply(Text(say("apr.move_unknown", turn.locale, who=typed)))
        return
    if not await may_seat(turn, held, target):
        return
    new = await approvals.hand_over_seat(turn.session, seat=held.seat, to=target.id,
                                         actor=turn.person.id, comment=note or None,
                                         now=turn.now)
    if new is None:
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    await _handed(turn, held, target, note)


async def by_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    """The answer to "to whom?"; the seat is checked again, it may have moved meanwhile."""
    held = await held_by_step(turn, prompt.step, prompt.seat or None)
    if held is not None:
        await transfer(turn, held, text)


async def _handed(turn: Turn, held: Held, target: Person, note: str) -> None:
    request, step, seat = held.request, held.step, held.seat
    directory = turn.services.bundle.directory
    service = flow.service_of(turn, request)
    on_behalf = seat.approver if seat.approver != turn.person.id else None
    await turn.audit("approval.transferred", held.rid, {
        "round": step.round, "step": step.position, "from": seat.approver, "to": target.id,
        "reason": note}, on_behalf_of=on_behalf)
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    await flow.refresh_cards(turn, request, service, step, seats)
    await turn.tell(target.id, Text(say(
        "apr.transferred_to_you", target.locale, rid=held.rid, who=turn.person.name,
        service=service_name(service, request, target.locale),
        note=note_text(note, target.locale)).strip()))
    delegate = (await delegates_of(turn.session, directory, [target.id], turn.today)
                ).get(target.id)
    await flow.deliver_seat(turn, request, service, step, seats, target.id, delegate)
    await turn.reply(Text(say("apr.you_transferred", turn.locale, rid=held.rid,
                              to=target.name)))
    loc = turn.locale_of(request.requester)
    await turn.tell(request.requester, Text(say(
        "apr.transferred_notice", loc, rid=held.rid, who=name_of(directory, seat.approver),
        to=target.name)))
