"""The ids of the requester's confirmation and survey buttons, and their cards' correlations.

``cfm:<request>:yes|no`` confirms (or not) that a resolved request is solved;
``csat:<request>:<1-5>`` rates it;
``rop:<request>:<task>`` names the part that is not done. ``cfm:<request>:<to>`` and
``csat:<request>:<to>`` name the cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

from bot.action_ids import numbered_choice
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
        found: tuple[int, Answer] | None = numbered_choice(text, CONFIRM, _answer)
        return cls(*found) if found else None

    def format(self) -> str:
        return f"{CONFIRM}:{self.request}:{self.answer}"


@dataclass(frozen=True)
class SurveyClick:
    request: int
    score: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        found = numbered_choice(text, SURVEY, _score)
        return cls(*found) if found else None

    def format(self) -> str:
        return f"{SURVEY}:{self.request}:{self.score}"


def _answer(text: str) -> Answer | None:
    return _ANSWERS.get(text)


def _score(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) in SCORES else None


def card_of(kind: str, request: int, to: str = "") -> str:
    """The correlation of ``to``'s confirmation or survey card (``to`` empty: the prefix every
    copy shares)."""
    return f"{kind}:{request}:{to}"


REOPEN = "rop"


@dataclass(frozen=True)
class ReopenClick:
    """``rop:<request>:<task>``: this finished task is the part that is not done."""

    request: int
    task: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        found = numbered_choice(text, REOPEN, _task)
        return cls(*found) if found else None

    def format(self) -> str:
        return f"{REOPEN}:{self.request}:{self.task}"


def _task(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) > 0 else None
