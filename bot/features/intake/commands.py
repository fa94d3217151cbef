"""Asking for the service catalog: "服务目录", "menu"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import line_of


@dataclass(frozen=True)
class ShowCatalog:
    pass


_CATALOG = re.compile(r"^(服务目录|目录|catalog|menu|services|能办什么|有哪些服务|list services)$")


def parse_catalog(text: str) -> ShowCatalog | None:
    return ShowCatalog() if _CATALOG.match(line_of(text).lowered) else None
