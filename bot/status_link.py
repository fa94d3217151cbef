"""The button many cards carry: a request's status, ``st:<request>``. It sits below every
feature so that each one's cards can link to it; the status feature answers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class StatusClick:
    request: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls(request) if (request := request_of(text, "st")) is not None else None

    def format(self) -> str:
        return f"st:{self.request}"


def request_of(text: str, prefix: str) -> int | None:
    """The request number of ``<prefix>:<number>``; None for another prefix or no number."""
    head, _, rest = text.partition(":")
    return int(rest) if head == prefix and rest.isdigit() else None
