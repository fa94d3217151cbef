"""The ids of approval buttons and the correlations of approval cards.

``apr:<step>:<seat>:approve|reject`` is a button; ``apr:<step>:<seat>:<to>`` names the copy of a
card that ``<to>`` got for ``<seat>`` (the approver, or the delegate holding their seat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

from bot.action_ids import id_fields

PREFIX = "apr"
Verb = Literal["approve", "reject"]
VERDICTS: dict[str, str] = {"approve": "approved", "reject": "rejected"}
_VERBS: dict[str, Verb] = {"approve": "approve", "reject": "reject"}


@dataclass(frozen=True)
class ApprovalClick:
    step: int
    seat: str
    verb: Verb

    @property
    def verdict(self) -> str:
        return VERDICTS[self.verb]

    @classmethod
    def parse(cls, text: str) -> Self | None:
        step, tail = id_fields(text, PREFIX, 2) or ("", "")
        seat, _, verb = tail.rpartition(":")
        known = _VERBS.get(verb)
        return cls(int(step), seat, known) if step.isdigit() and seat and known else None

    def format(self) -> str:
        return f"{PREFIX}:{self.step}:{self.seat}:{self.verb}"


@dataclass(frozen=True)
class ApprovalCardCopy:
    step: int
    seat: str
    to: str

    @staticmethod
    def of_step(step: int) -> str:
        """The correlation prefix every copy of every card of ``step`` shares."""
        return f"{PREFIX}:{step}:"

    @classmethod
    def parse(cls, text: str) -> Self | None:
        step, seat, to = id_fields(text, PREFIX, 3) or ("", "", "")
        return cls(int(step), seat, to) if step.isdigit() and to else None

    def format(self) -> str:
        return f"{self.of_step(self.step)}{self.seat}:{self.to}"


MOVE_PREFIX = "apm"
MoveVerb = Literal["transfer"]
_MOVE_VERBS: dict[str, MoveVerb] = {"transfer": "transfer"}


@dataclass(frozen=True)
class MoveClick:
    """``apm:<step>:<seat>:transfer``: the holder of ``seat`` asks to hand it over (转交)."""

    step: int
    seat: str
    verb: MoveVerb

    @classmethod
    def parse(cls, text: str) -> Self | None:
        step, tail = id_fields(text, MOVE_PREFIX, 2) or ("", "")
        seat, _, verb = tail.rpartition(":")
        known = _MOVE_VERBS.get(verb)
        return cls(int(step), seat, known) if step.isdigit() and seat and known else None

    def format(self) -> str:
        return f"{MOVE_PREFIX}:{self.step}:{self.seat}:{self.verb}"
