"""Typed commands about one's requests: "我的申请", "REQ-12 到哪了", "撤回 REQ-12 不需要了"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.features.phrases import RID, line_of, mentioned_request, mentioned_task


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


@dataclass(frozen=True)
class FindRequest:
    """"我的电脑申请到哪了", "what's the status of my laptop request": a question about one's
    own requests, by what they were for."""

    text: str


# "where is it" on its own; weaker words ("什么时候能") count only with "my" ("我的", "的钱")
_ASKS_WHERE = re.compile(
    r"(到哪了|到哪儿了|到哪一步|进度|审批到|批了(没|吗)|办好了(没|吗)|好了(没|吗)|有结果了(没|吗)|"
    r"\bstatus\b|\bprogress\b|where\s+is\s+my|where's\s+my|any\s+news|update\s+on\s+my)")
_ASKS_WHEN = re.compile(
    r"(状态|怎么样了|什么时候(到|能|批|好|下来|办好|处理)|when\s+(will|do|does|can)\b|"
    r"happened\s+to)")
_MINE = re.compile(r"(我的|我那|我提交|我申请|的钱|的款|\bmy\b)")
# and it must be a question ("项目进度紧张" is a laptop's reason, not a question)
_QUESTION = re.compile(r"(吗|呢|么|哪|什么时候|多久|如何|怎么|几时|？|\?|"
                       r"^(what|where|when|how|any|is|has|did|have)\b)")


def _asks_status(text: str) -> bool:
    lowered = line_of(text).lowered
    asked = unicodedata.normalize("NFKC", text).strip().lower()  # keeps the question mark
    return bool(_QUESTION.search(asked) and (
        _ASKS_WHERE.search(lowered) or (_ASKS_WHEN.search(lowered) and _MINE.search(lowered))))


def parse_find_request(text: str) -> FindRequest | ShowStatus | None:
    """A fallback: any mention of REQ-n is a command ("查一下 REQ-1", "REQ-1 进度如何"); a
    status question naming no REQ-n or TASK-n looks the request up by what it says."""
    request = mentioned_request(text)
    if request is not None:
        return ShowStatus(request)
    if mentioned_task(text) is None and _asks_status(text):
        return FindRequest(line_of(text).original)
    return None
