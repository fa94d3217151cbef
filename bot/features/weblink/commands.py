"""Asking for the web console: "看板", "dashboard", "登录网页", "web login", "open the console"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import line_of


@dataclass(frozen=True)
class OpenConsole:
    pass


_OPEN_CONSOLE = re.compile(
    r"^(看板|仪表盘|登录网页|网页登录|打开控制台|打开看板|dashboards?|web\s*login"
    r"|open\s+(the\s+)?(web\s+)?console)$"
)


def parse_open_console(text: str) -> OpenConsole | None:
    return OpenConsole() if _OPEN_CONSOLE.match(line_of(text).lowered) else None
