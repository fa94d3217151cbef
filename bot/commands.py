"""Text commands people type instead of tapping: status, my requests, withdraw, help, catalog."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_RID = r"(?:req|REQ)\s*[-#]?\s*(\d{1,9})"


@dataclass(frozen=True)
class MyRequests:
    pass


@dataclass(frozen=True)
class ShowStatus:
    request_id: int


@dataclass(frozen=True)
class Withdraw:
    request_id: int
    reason: str


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ShowCatalog:
    pass


Command = MyRequests | ShowStatus | Withdraw | ShowHelp | ShowCatalog

_MY_REQUESTS = re.compile(
    r"^(我的(申请|请求|工单)(到哪了|进度|呢)?|我(提交)?的申请(都)?到哪了|(show\s+)?my\s+(requests|tickets)"
    r"|where\s+are\s+my\s+requests)$"
)
_STATUS = re.compile(
    rf"^(?:status|状态|查询|查看|进度|查)?\s*{_RID}\s*(?:到哪了|到哪儿了|进度|状态|怎么样了|呢|status)?$"
)
_WITHDRAW = re.compile(rf"^(?:撤回|撤销|withdraw)\s*{_RID}\s*(.*)$", re.DOTALL)
_HELP = re.compile(r"^(help|帮助|\?|你能做什么|你会什么|怎么用|what can you do|菜单帮助)$")
_CATALOG = re.compile(r"^(服务目录|目录|catalog|menu|services|能办什么|有哪些服务|list services)$")
_GREETING = re.compile(r"^(你好|您好|hi|hello|hey|在吗|哈喽|嗨|早|早上好|good morning)$")


def parse_command(text: str) -> Command | None:
    """The command a whole message is, or None when it is free text for intent matching."""
    line = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！?？ ")
    lowered = line.lower()
    if _MY_REQUESTS.match(lowered):
        return MyRequests()
    if _HELP.match(lowered) or _GREETING.match(lowered):
        return ShowHelp()
    if _CATALOG.match(lowered):
        return ShowCatalog()
    if match := _WITHDRAW.match(line) or _WITHDRAW.match(lowered):
        return Withdraw(int(match.group(1)), match.group(2).strip(" :：,，"))
    if match := _STATUS.match(lowered):
        return ShowStatus(int(match.group(1)))
    return None
