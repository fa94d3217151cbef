"""The ids of status buttons: ``mine`` (my requests), ``st:<request>`` (its status, in
``bot.action_ids`` since every feature's cards link to it) and ``wd:<request>`` (withdraw it,
asking why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.action_ids import RequestClick, StatusClick, id_fields

__all__ = ["MyRequestsClick", "StatusClick", "WithdrawClick"]


@dataclass(frozen=True)
class MyRequestsClick:
    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls() if id_fields(text, "mine", 1) is not None else None

    def format(self) -> str:
        return "mine"


class WithdrawClick(RequestClick):
    PREFIX = "wd"
