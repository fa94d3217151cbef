"""Asking for the service catalog: "服务目录", "menu"; filing a rejected request again:
"重新提交 REQ-12", "resubmit REQ-12"; the answers to "continue the open form, or start the new
one?"."""

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


# The answers to "continue 「在职证明」, or start 「工牌办理」?" (bot/features/intake/switch.py),
# and what the form's confirmation takes as "yes" besides the submit words (dialogs.engine).
KEEP_WORDS = frozenset({"继续", "1", "continue", "keep", "go on", "keep going", "原来的"})
NEW_WORDS = frozenset({"开始", "2", "start", "new", "switch", "新的", "换", "开始新的"})
CONFIRM_WORDS = frozenset({"是", "好", "yes", "ok", "y"})
