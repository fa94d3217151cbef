"""The button ids of send back (退回) and resubmit (重新提交); their typed commands are in
``commands.py``.

``ret:<step>:<seat>`` is the Send back button of an approval card, ``ans:<request>`` the
Answer button of the question the requester got, ``rs:<request>`` the Resubmit button of a
rejection (answered by intake, which opens the form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.action_ids import RequestClick, id_fields

SEND_BACK_PREFIX = "ret"


@dataclass(frozen=True)
class SendBackClick:
    step: int
    seat: str

    @classmethod
    def parse(cls, text: str) -> Self | None:
        step, seat = id_fields(text, SEND_BACK_PREFIX, 2) or ("", "")
        return cls(int(step), seat) if step.isdigit() and seat else None

    def format(self) -> str:
        return f"{SEND_BACK_PREFIX}:{self.step}:{self.seat}"


class AnswerClick(RequestClick):
    PREFIX = "ans"


class ResubmitClick(RequestClick):
    PREFIX = "rs"
