"""Changing an answer of a waiting request: "修改 REQ-12 金额 6000"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import RID, SEP, line_of


@dataclass(frozen=True)
class Amend:
    request_id: int
    change: str  # "<field> <value>" as written


_AMEND = re.compile(rf"^(?:修改|更改|变更|change|edit|amend|update){SEP}{RID}\s*(.*)$",
                    re.DOTALL | re.IGNORECASE)


def parse_amend(text: str) -> Amend | None:
    if match := line_of(text).free(_AMEND):
        return Amend(int(match.group(1)), match.group(2).strip())
    return None
