"""转交 (transfer): the holder of a pending seat hands it to a colleague, who then decides.

The old seat stays on the step as ``handed_over`` (its card says to whom), the new holder gets
the approval card, the requester is told, and the trail names both (``approval.transferred``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.features.approvals import moves
from bot.features.approvals.moves import Held, Move
from bot.state import PromptState
from bot.turn import Turn
from org.model import Person
from store import approvals


async def _hand_over(turn: Turn, held: Held, target: Person, note: str) -> bool:
    return await approvals.hand_over_seat(turn.session, seat=held.seat, to=target.id,
                                          actor=turn.person.id, comment=note or None,
                                          now=turn.now) is not None


def _trail(held: Held, target: Person, note: str) -> Mapping[str, Any]:
    return {"from": held.seat.approver, "to": target.id, "reason": note}


TRANSFER = Move(purpose="transfer", ask_key="apr.ask_transfer_to", seat=_hand_over,
                action="approval.transferred", trail=_trail,
                to_target_key="apr.transferred_to_you", to_mover_key="apr.you_transferred",
                to_requester_key="apr.transferred_notice")


async def ask_whom(turn: Turn, held: Held) -> None:
    """The Transfer button, or "转交 REQ-12" naming nobody: ask to whom."""
    await moves.ask_whom(turn, held, TRANSFER)


async def transfer(turn: Turn, held: Held, text: str) -> None:
    """Hand ``held`` to the person ``text`` names ("给 carol 我在休假": carol, note 我在休假)."""
    await moves.make(turn, held, text, TRANSFER)


async def by_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    await moves.by_answer(turn, prompt, text, TRANSFER)
