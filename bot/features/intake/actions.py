"""The ids of catalog buttons: ``cat:<department>`` (``cat`` alone: the whole catalog) and
``pick:<service>`` (a service chosen from "did you mean" or a department)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.action_ids import CatalogClick, id_fields

__all__ = ["CatalogClick", "PickClick", "SwitchClick"]


@dataclass(frozen=True)
class PickClick:
    service: str

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = id_fields(text, "pick", 1)
        return cls(fields[0]) if fields is not None else None

    def format(self) -> str:
        return f"pick:{self.service}"


SWITCH = "sw"


@dataclass(frozen=True)
class SwitchClick:
    """``sw:<instance>:keep|new``: go on with the open form ``instance``, or drop it and start
    the service the new sentence asked for."""

    instance: str
    choice: str

    @classmethod
    def parse(cls, text: str) -> Self | None:
        instance, choice = id_fields(text, SWITCH, 2) or ("", "")
        return cls(instance, choice) if instance and choice in ("keep", "new") else None

    def format(self) -> str:
        return f"{SWITCH}:{self.instance}:{self.choice}"
