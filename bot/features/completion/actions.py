"""The ids of the requester's confirmation and survey buttons, and their cards' correlations.

``cfm:<request>:yes|no`` confirms (or not) that a resolved request is solved;
``csat:<request>:<1-5>`` rates it. ``cfm:<request>:<to>`` and ``csat:<request>:<to>`` name the
cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

from store.surveys import SCORES

CONFIRM = "cfm"
SURVEY = "csat"
Answer = Literal["yes", "no"]
_ANSWERS: dict[str, Answer] = {"yes": "yes", "no": "no"}


@dataclass(frozen=True)
class ConfirmClick:
    request: int
    answer: Answer

    @classmethod
    def parse(cls, text: str) -> Self | None:
        prefix, _, rest = text.partition(":")
        request, _, answer = rest.partition(":")
        known = _ANSWERS.get(answer)
        if prefix != CONFIRM or not request.isdigit() or known is None:
            return None
        return cls(int(request), known)

    def format(self) -> str:
        return f"{CONFIRM}:{self.request}:{self.answer}"


@dataclass(frozen=True)
class SurveyClick:
    request: int
    score: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        prefix, _, rest = text.partition(":")
        request, _, score = rest.partition(":")
        if prefix != SURVEY or not request.isdigit() or not score.isdigit():
            return None
        return cls(int(request), int(score)) if int(score) in SCORES else None

    def format(self) -> str:
        return f"{SURVEY}:{self.request}:{self.score}"


def card_of(kind: str, request: int, to: str = "") -> str:
    """The correlation of ``to``'s confirmation or survey card (``to`` empty: the prefix every
    copy shares)."""
    return f"{kind}:{request}:{to}"
