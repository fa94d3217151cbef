"""The grammar every action id shares, ``<prefix>:<field>:...``, and the links many features'
cards carry: a request's status (``st:<request>``) and the list of mine (``mine``), answered by
the status feature, and the catalog (``cat[:<department>]``), answered by intake.

It sits below every feature, so that each one's codec and cards can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self, TypeVar

Choice = TypeVar("Choice")


def id_fields(text: str, prefix: str, count: int) -> list[str] | None:
    """The ``count`` fields after ``<prefix>:`` (the last one keeps any further ``:``; missing
    ones are empty), or None when the id has another prefix."""
    head, _, rest = text.partition(":")
    if head != prefix:
        return None
    fields = rest.split(":", count - 1)
    return fields + [""] * (count - len(fields))


def numbered_choice(
    text: str, prefix: str, choose: Callable[[str], Choice | None]
) -> tuple[int, Choice] | None:
    """``<prefix>:<number>:<choice>``: the number and what ``choose`` makes of the choice, or
    None when either is not one."""
    number, choice = id_fields(text, prefix, 2) or ("", "")
    chosen = choose(choice)
    return (int(number), chosen) if number.isdigit() and chosen is not None else None


@dataclass(frozen=True)
class RequestClick:
    """``<PREFIX>:<request>``: a button about one request."""

    PREFIX: ClassVar[str]
    request: int

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = id_fields(text, cls.PREFIX, 1)
        return cls(int(fields[0])) if fields and fields[0].isdigit() else None

    def format(self) -> str:
        return f"{self.PREFIX}:{self.request}"


class StatusClick(RequestClick):
    PREFIX = "st"


@dataclass(frozen=True)
class MyRequestsClick:
    @classmethod
    def parse(cls, text: str) -> Self | None:
        return cls() if id_fields(text, "mine", 1) is not None else None

    def format(self) -> str:
        return "mine"


@dataclass(frozen=True)
class CatalogClick:
    department: str = ""  # empty: the list of departments

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = id_fields(text, "cat", 1)
        return cls(fields[0]) if fields is not None else None

    def format(self) -> str:
        return f"cat:{self.department}" if self.department else "cat"
