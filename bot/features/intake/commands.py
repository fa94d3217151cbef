"""Asking for the service catalog: "服务目录", "menu"; filing a rejected request again:
"重新提交 REQ-12", "resubmit REQ-12"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import RID, line_of


@dataclass(frozen=True)
class ShowCatalog:
    pass


_CATALOG = re.compile(r"^(服务目录|目录|catalog|menu|services|能办什么|有哪些服务|list services)$")


def parse_catalog(text: str) -> ShowCatalog | None:
    return ShowCatalog() if _CATALOG.match(line_of(text).lowered) else None


@dataclass(frozen=True)
class Resubmit:
    request_id: int


_RESUBMIT = re.compile(rf"^(?:重新提交|再次提交|重新申请|resubmit|submit again)\s*{RID}$")


def parse_resubmit(text: str) -> Resubmit | None:
    match = _RESUBMIT.match(line_of(text).lowered)
    return Resubmit(int(match.group(1))) if match else None
