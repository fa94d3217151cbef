"""The ids of the exceptions' buttons and the correlations of their cards.

``exc:ask:<request>`` (the status card's button), ``exc:kind:<request>:<kind>``,
``exc:reason:<exception>:<n>`` (the n-th reason of the kind), ``exc:impact:<exception>:<level>``,
``exc:grant:<exception>:<part>`` and ``exc:deny:<exception>:<part>`` (``part``: ``approver``, or
``high`` for the high-impact approver). ``excc:<exception>:<to>`` names ``to``'s copy of the
exception card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self, get_args

from bot.action_ids import id_fields

PREFIX = "exc"
CARD = "excc"
Verb = Literal["ask", "kind", "reason", "impact", "grant", "deny"]
_VERBS: dict[str, Verb] = {verb: verb for verb in get_args(Verb)}


@dataclass(frozen=True)
class ExceptionClick:
    verb: Verb
    number: int  # the request (ask, kind) or the exception (the others)
    value: str = ""  # the kind, the reason's position, the impact level or the part decided

    @classmethod
    def parse(cls, text: str) -> Self | None:
        verb, number, value = id_fields(text, PREFIX, 3) or ("", "", "")
        known = _VERBS.get(verb)
        if known is None or not number.isdigit() or (known != "ask" and not value):
            return None
        return cls(known, int(number), value)

    def format(self) -> str:
        return f"{PREFIX}:{self.verb}:{self.number}:{self.value}".rstrip(":")


@dataclass(frozen=True)
class ExceptionCardCopy:
    exception: int
    to: str

    @staticmethod
    def of_exception(exception: int) -> str:
        return f"{CARD}:{exception}:"

    def format(self) -> str:
        return f"{CARD}:{self.exception}:{self.to}"

    @classmethod
    def parse(cls, text: str) -> Self | None:
        number, to = id_fields(text, CARD, 2) or ("", "")
        return cls(int(number), to) if number.isdigit() and to else None
