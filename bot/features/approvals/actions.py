"""The ids of approval buttons and the correlations of approval cards.

``apr:<step>:<seat>:approve|reject`` is a button; ``apr:<step>:<seat>:<to>`` names the copy of a
card that ``<to>`` got for ``<seat>`` (the approver, or the delegate holding their seat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

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
        prefix, _, rest = text.partition(":")
        step, _, tail = rest.partition(":")
        seat, _, verb = tail.rpartition(":")
        known = _VERBS.get(verb)
        if prefix != PREFIX or not step.isdigit() or not seat or known is None:
            return None
        return cls(int(step), seat, known)

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
        parts = text.split(":", 3)
        if len(parts) != 4 or parts[0] != PREFIX or not parts[1].isdigit():
            return None
        return cls(int(parts[1]), parts[2], parts[3])

    def format(self) -> str:
        return f"{self.of_step(self.step)}{self.seat}:{self.to}"
