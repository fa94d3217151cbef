"""The ids of catalog buttons: ``cat:<department>`` (``cat`` alone: the whole catalog) and
``pick:<service>`` (a service chosen from "did you mean" or a department)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class CatalogClick:
    department: str = ""  # empty: the list of departments

    @classmethod
    def parse(cls, text: str) -> Self | None:
        prefix, _, department = text.partition(":")
        return cls(department) if prefix == "cat" else None

    def format(self) -> str:
        return f"cat:{self.department}" if self.department else "cat"


@dataclass(frozen=True)
class PickClick:
    service: str

    @classmethod
    def parse(cls, text: str) -> Self | None:
        prefix, _, service = text.partition(":")
        return cls(service) if prefix == "pick" else None

    def format(self) -> str:
        return f"pick:{self.service}"
