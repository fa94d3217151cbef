"""加签 (add an approver): the holder of a pending seat adds a colleague to the current step,
after themselves. The step then needs one approval more, and it must be the added person's: it
does not end while an added seat is pending, whatever the step's mode (``added_undecided``).
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


async def _add_seat(turn: Turn, held: Held, target: Person, note: str) -> bool:
    return await approvals.add_seat(turn.session, step=held.step, approver=target.id,
                                    added_by=held.seat.approver) is not None


def _trail(held: Held, target: Person, note: str) -> Mapping[str, Any]:
    return {"by_seat": held.seat.approver, "added": target.id,
            "required": held.step.required, "note": note}


ADD_APPROVER = Move(purpose="add_approver", ask_key="apr.ask_add_who", seat=_add_seat,
                    action="approval.approver_added", trail=_trail,
                    to_target_key="apr.added_you", to_mover_key="apr.you_added",
                    to_requester_key="apr.added_notice")


async def ask_whom(turn: Turn, held: Held) -> None:
    await moves.ask_whom(turn, held, ADD_APPROVER)


async def add(turn: Turn, held: Held, text: str) -> None:
    """Add the person ``text`` names ("dave 请看下预算": dave, note 请看下预算)."""
    await moves.make(turn, held, text, ADD_APPROVER)


async def by_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    await moves.by_answer(turn, prompt, text, ADD_APPROVER)
