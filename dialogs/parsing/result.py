"""The outcome of reading one answer: a value, or a friendly reason to ask again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chat.locale import I18n


@dataclass(frozen=True)
class Parsed:
    value: Any


@dataclass(frozen=True)
class Invalid:
    reason: I18n  # says what to type instead, in both languages


def invalid(zh: str, en: str) -> Invalid:
    return Invalid(I18n(zh=zh, en=en))


ParseResult = Parsed | Invalid
