"""The ids of a form's buttons: ``dlg:<instance>:<action>``, built by ``dialogs.engine``; only
the form's current instance may act on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.action_ids import id_fields
from dialogs.engine import ACTION_PREFIX


@dataclass(frozen=True)
class DialogClick:
    instance: str
    action: str  # what ``dialogs.engine`` reads: the part after the instance

    @classmethod
    def parse(cls, text: str) -> Self | None:
        fields = id_fields(text, ACTION_PREFIX, 2)
        return cls(*fields) if fields is not None else None

    def format(self) -> str:
        return f"{ACTION_PREFIX}:{self.instance}:{self.action}"
