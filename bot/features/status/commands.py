"""Typed commands about one's requests: "我的申请", "REQ-12 到哪了", "撤回 REQ-12 不需要了"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import RID, line_of


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


_MY_REQUESTS = re.compile(
    r"^(我的(申请|请求|工单)(到哪了|进度|呢)?|我(提交)?的申请(都)?到哪了|(show\s+)?my\s+(requests|tickets)"
    r"|where\s+are\s+my\s+requests)$"
)
_STATUS = re.compile(
    rf"^(?:status|状态|查询|查看|进度|查)?\s*{RID}\s*(?:到哪了|到哪儿了|进度|状态|怎么样了|呢|status)?$"
)
_WITHDRAW = re.compile(rf"^(?:撤回|撤销|withdraw)\s*{RID}\s*(.*)$", re.DOTALL)


def parse_my_requests(text: str) -> MyRequests | None:
    return MyRequests() if _MY_REQUESTS.match(line_of(text).lowered) else None


def parse_status(text: str) -> Withdraw | ShowStatus | None:
    words = line_of(text)
    if match := words.free(_WITHDRAW) or _WITHDRAW.match(words.lowered):
        return Withdraw(int(match.group(1)), match.group(2).strip(" :：,，"))
    if match := _STATUS.match(words.lowered):
        return ShowStatus(int(match.group(1)))
    return None
