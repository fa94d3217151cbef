"""Language: which locales esmbot speaks, and a text given in each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Locale = Literal["zh", "en"]
LOCALES: tuple[Locale, ...] = ("zh", "en")


@dataclass(frozen=True)
class I18n:
    """A user-facing text in Chinese and English."""

    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh

