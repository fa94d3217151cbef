"""Asking for help (or just saying hello)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import is_greeting, line_of


@dataclass(frozen=True)
class ShowHelp:
    pass


_HELP = re.compile(r"^(help|帮助|\?|你能做什么|你会什么|怎么用|what can you do|菜单帮助)$")


def parse_help(text: str) -> ShowHelp | None:
    lowered = line_of(text).lowered
    return ShowHelp() if _HELP.match(lowered) or is_greeting(text) else None
