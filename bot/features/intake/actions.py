"""The ids of catalog buttons: ``cat:<department>`` (``cat`` alone: the whole catalog) and
``pick:<service>`` (a service chosen from "did you mean" or a department)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.action_ids import CatalogClick, id_fields

__all__ = ["CatalogClick", "PickClick"]


@dataclass(frozen=True)
class PickClick:
    service: str

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = id_fields(text, "pick", 1)
        return cls(fields[0]) if fields is not None else None

    def format(self) -> str:
        return f"pick:{self.service}"
