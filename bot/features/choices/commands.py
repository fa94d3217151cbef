"""A message that is only a number (as typed to pick a card's numbered choice)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_DIGITS = 3  # "1", "12": a choice's number; a longer number is something else


@dataclass(frozen=True)
class BareNumber:
    number: int


def parse_bare_number(text: str) -> BareNumber | None:
    """``"1"``, ``" 2 "``, ``"１"`` (full width); None for anything else."""
    stripped = text.strip()
    if not stripped.isdigit() or len(stripped) > MAX_DIGITS:
        return None
    return BareNumber(int(stripped))
