"""Approvers' typed commands: "同意 REQ-12 好的", "驳回 REQ-12 超预算", "待我审批"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import RID, SEP, line_of


@dataclass(frozen=True)
class Approve:
    request_id: int
    comment: str


@dataclass(frozen=True)
class Reject:
    request_id: int
    reason: str


@dataclass(frozen=True)
class MyApprovals:
    pass


_APPROVE = re.compile(rf"^(?:同意|批准|通过|approve|approved){SEP}{RID}{SEP}(.*)$",
                      re.DOTALL | re.IGNORECASE)
_REJECT = re.compile(rf"^(?:驳回|拒绝|不同意|reject|decline|deny){SEP}{RID}{SEP}(.*)$",
                     re.DOTALL | re.IGNORECASE)
_MY_APPROVALS = re.compile(
    r"^(待我审批|我的审批|待审批|我的待审批|审批列表|待办审批|my approvals|pending approvals|"
    r"approvals|to approve|what do i need to approve)$")


def parse_approval(text: str) -> Approve | Reject | MyApprovals | None:
    words = line_of(text)
    if match := words.free(_APPROVE):
        return Approve(int(match.group(1)), match.group(2).strip())
    if match := words.free(_REJECT):
        return Reject(int(match.group(1)), match.group(2).strip())
    return MyApprovals() if _MY_APPROVALS.match(words.lowered) else None
