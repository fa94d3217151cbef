"""The ids of status buttons: ``mine`` (my requests), ``st:<request>`` (its status) and
``wd:<request>`` (withdraw it, asking why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.status_link import StatusClick, request_of

__all__ = ["MyRequestsClick", "StatusClick", "WithdrawClick"]


@dataclass(frozen=True)
class MyRequestsClick:
    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls() if text.partition(":")[0] == "mine" else None

    def format(self) -> str:
        return "mine"


@dataclass(frozen=True)
class WithdrawClick:
    request: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls(request) if (request := request_of(text, "wd")) is not None else None

    def format(self) -> str:
        return f"wd:{self.request}"
