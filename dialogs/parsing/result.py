"""The outcome of reading one answer: a value, or a friendly reason to ask again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chat.i18n import say
from chat.locale import I18n


class Localised(Protocol):
    """A value that reads differently per locale (an option's label, a list of them)."""

    def get(self, locale: str) -> str: ...


@dataclass(frozen=True)
class Parsed:
    value: Any


@dataclass(frozen=True)
class Reason:
    """What to type instead: a text key and its values, said in the reader's locale."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def get(self, locale: str) -> str:
        return say(self.key, locale, **{name: _in(value, locale) for name, value in self.values})

    @property
    def zh(self) -> str:
        return self.get("zh")

    @property
    def en(self) -> str:
        return self.get("en")


@dataclass(frozen=True)
class Listing:
    """Several localised values, joined the way ``locale`` lists things."""

    items: tuple[Localised, ...]

    def get(self, locale: str) -> str:
        return say("fmt.list_sep", locale).join(item.get(locale) for item in self.items)


@dataclass(frozen=True)
class Invalid:
    reason: Reason  # says what to type instead, in the reader's language


def invalid(key: str, **values: Any) -> Invalid:
    return Invalid(Reason(key, tuple(values.items())))


def listing(items: Sequence[Localised]) -> Listing:
    return Listing(tuple(items))


def _in(value: Any, locale: str) -> Any:
    """A localised value in ``locale``; numbers and typed text as they are."""
    return value.get(locale) if isinstance(value, Reason | Listing | I18n) else value


ParseResult = Parsed | Invalid
