"""Approvers' typed commands: "同意 REQ-12 好的", "驳回 REQ-12 超预算", "待我审批"; send back:
"退回 REQ-12 请补充型号" / "send back REQ-12 which model?", and the requester's answer
"答复 REQ-12 型号是 X1" / "answer REQ-12 model X1"; "同意" alone (the one waiting)."""

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


@dataclass(frozen=True)
class ApprovePending:
    """"同意" / "approve" naming no request: the one waiting, after a confirmation."""


_APPROVE = re.compile(rf"^(?:同意|批准|通过|approve|approved){SEP}{RID}{SEP}(.*)$",
                      re.DOTALL | re.IGNORECASE)
_REJECT = re.compile(rf"^(?:驳回|拒绝|不同意|reject|decline|deny){SEP}{RID}{SEP}(.*)$",
                     re.DOTALL | re.IGNORECASE)
_MY_APPROVALS = re.compile(
    r"^(待我审批|我的审批|待审批|我的待审批|审批列表|待办审批|my approvals|pending approvals|"
    r"approvals|to approve|what do i need to approve)$")
# a yes to "approve REQ-12?" after "同意" alone (bot/features/approvals/pending.py)
YES = frozenset({"是", "是的", "好", "好的", "对", "确认", "同意", "yes", "y", "ok", "approve",
                 "confirm", "sure"})
_APPROVE_ALONE = re.compile(r"^(同意|批准|通过|同意了|approve|approved|approve it)$")


def parse_approval(text: str) -> Approve | Reject | MyApprovals | ApprovePending | None:
    words = line_of(text)
    if _APPROVE_ALONE.match(words.lowered):
        return ApprovePending()
    if match := words.free(_APPROVE):
        return Approve(int(match.group(1)), match.group(2).strip())
    if match := words.free(_REJECT):
        return Reject(int(match.group(1)), match.group(2).strip())
    return MyApprovals() if _MY_APPROVALS.match(words.lowered) else None


@dataclass(frozen=True)
class SendBack:
    request_id: int
    question: str


@dataclass(frozen=True)
class AnswerSendBack:
    request_id: int
    answer: str


_SEND_BACK = re.compile(rf"^(?:退回|退回给申请人|send\s+back|return){SEP}{RID}{SEP}(.*)$",
                        re.DOTALL | re.IGNORECASE)
_ANSWER = re.compile(rf"^(?:答复|回复退回|answer|reply){SEP}{RID}{SEP}(.*)$",
                     re.DOTALL | re.IGNORECASE)


def parse_send_back(text: str) -> SendBack | AnswerSendBack | None:
    words = line_of(text)
    if match := words.free(_SEND_BACK):
        return SendBack(int(match.group(1)), match.group(2).strip())
    if match := words.free(_ANSWER):
        return AnswerSendBack(int(match.group(1)), match.group(2).strip())
    return None


@dataclass(frozen=True)
class Transfer:
    """"转交 REQ-12 给 carol 我在休假": ``text`` is the target and the reason (may be empty)."""

    request_id: int
    text: str


@dataclass(frozen=True)
class AddApprover:
    """"加签 REQ-12 dave 请看下预算": ``text`` is the person to add and a note (may be empty)."""

    request_id: int
    text: str


_TRANSFER = re.compile(
    rf"^(?:转交|转给|移交|转审|transfer|hand\s*over|handover|reassign){SEP}{RID}{SEP}(.*)$",
    re.DOTALL | re.IGNORECASE)
_ADD_APPROVER = re.compile(
    rf"^(?:加签|添加审批人|增加审批人|add\s+approver|add){SEP}{RID}{SEP}(.*)$",
    re.DOTALL | re.IGNORECASE)


def parse_move(text: str) -> Transfer | AddApprover | None:
    """A REQ id goes here; "转交 TASK-7 给 dave" does not match and stays the tasks'."""
    words = line_of(text)
    if match := words.free(_TRANSFER):
        return Transfer(int(match.group(1)), match.group(2).strip())
    if match := words.free(_ADD_APPROVER):
        return AddApprover(int(match.group(1)), match.group(2).strip())
    return None


_LEADING_TO = re.compile(r"^(?:交给|给|to\s+|to:|@)\s*", re.IGNORECASE)
_WORD_GAP = re.compile(r"[\s,，:：;；]+")
NOTE_PUNCTUATION = " ,，:：;；"


def move_words(text: str) -> tuple[str, str]:
    """The words after "转交 REQ-12" / "加签 REQ-12" without a leading "给"/"to", and their
    first word: "给 carol 我在休假" -> ("carol 我在休假", "carol")."""
    rest = _LEADING_TO.sub("", text.strip(), count=1).strip()
    return rest, _WORD_GAP.split(rest, maxsplit=1)[0] if rest else ""
