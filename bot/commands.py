"""Text commands people type instead of tapping.

Requests: status, my requests, withdraw, change an answer. Approvals: approve, reject, my
approvals, delegate, cancel delegation. Help and the catalog.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_RID = r"(?i:req)\s*[-#]?\s*(\d{1,9})"


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
class Delegate:
    to: str
    until: str  # the date as written; empty when missing


@dataclass(frozen=True)
class CancelDelegation:
    pass


@dataclass(frozen=True)
class ShowDelegation:
    pass


@dataclass(frozen=True)
class Amend:
    request_id: int
    change: str  # "<field> <value>" as written


@dataclass(frozen=True)
class MyTasks:
    pass


@dataclass(frozen=True)
class Queue:
    group: str  # empty: the person's own groups


@dataclass(frozen=True)
class TaskAction:
    """``claim``, ``done``, ``release``, ``handover``, ``ask``, ``reply`` or ``show`` a task."""

    verb: str
    task_id: int
    text: str = ""  # the note, the hand-over target, the question or the answer


TaskCommand = MyTasks | Queue | TaskAction

Command = (MyRequests | ShowStatus | Withdraw | ShowHelp | ShowCatalog | Approve | Reject
           | MyApprovals | Delegate | CancelDelegation | ShowDelegation | Amend | MyTasks | Queue
           | TaskAction)

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
_SEP = r"\s*[,，:：]?\s*"
_APPROVE = re.compile(rf"^(?:同意|批准|通过|approve|approved){_SEP}{_RID}{_SEP}(.*)$",
                      re.DOTALL | re.IGNORECASE)
_REJECT = re.compile(rf"^(?:驳回|拒绝|不同意|reject|decline|deny){_SEP}{_RID}{_SEP}(.*)$",
                     re.DOTALL | re.IGNORECASE)
_MY_APPROVALS = re.compile(
    r"^(待我审批|我的审批|待审批|我的待审批|审批列表|待办审批|my approvals|pending approvals|"
    r"approvals|to approve|what do i need to approve)$")
_DELEGATE = re.compile(
    r"^(?:委托|delegate)\s*(?:给|to\s)?\s*(?P<who>\S+?)\s*(?:代批|代为审批|代审批|审批|approvals?)?\s*"
    r"(?:(?:到|至|直到|截至|until|till|through|to)\s*(?P<until>.+?))?\s*(?:为止|结束)?$",
    re.IGNORECASE)
_CANCEL_DELEGATION = re.compile(
    r"^(取消委托|撤销委托|结束委托|收回委托|cancel (my )?delegation|stop delegating"
    r"|end (my )?delegation)$")
_SHOW_DELEGATION = re.compile(r"^(我的委托|委托情况|查看委托|my delegation|show delegation)$")
_AMEND = re.compile(rf"^(?:修改|更改|变更|change|edit|amend|update){_SEP}{_RID}\s*(.*)$",
                    re.DOTALL | re.IGNORECASE)
_TID = r"(?i:task)\s*[-#]?\s*(\d{1,9})"
_TASK_VERBS: tuple[tuple[str, str], ...] = (
    ("claim", r"认领|领取|接单|claim|take"),
    ("done", r"完成|办完|已完成|done|finish|finished|complete|close task"),
    ("release", r"释放|退回队列|放弃|release|unclaim"),
    ("handover", r"转交|转给|移交|hand\s*over|handover|reassign|transfer"),
    ("ask", r"询问|问|需要信息|补充信息|ask|need\s*info"),
    ("reply", r"回复|答复|reply|answer"),
)
_TASK_ACTIONS = tuple(
    (verb, re.compile(rf"^(?:{words}){_SEP}{_TID}{_SEP}(.*)$", re.DOTALL | re.IGNORECASE))
    for verb, words in _TASK_VERBS
)
_SHOW_TASK = re.compile(rf"^(?:查看|查|show|status)?\s*{_TID}$", re.IGNORECASE)
_MY_TASKS = re.compile(r"^(我的任务|我手上的任务|我的工单任务|my tasks|tasks|show my tasks)$")
_QUEUE = re.compile(r"^(?:队列|待认领|待领取|queue|backlog)(?:\s+(.+))?$", re.IGNORECASE)
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
    original = text.strip()
    if found := _approval_command(original, line, lowered) or _task_command(original, line,
                                                                           lowered):
        return found
    if match := _free(_AMEND, original, line):
        return Amend(int(match.group(1)), match.group(2).strip())
    if match := _free(_WITHDRAW, original, line) or _WITHDRAW.match(lowered):
        return Withdraw(int(match.group(1)), match.group(2).strip(" :：,，"))
    if match := _STATUS.match(lowered):
        return ShowStatus(int(match.group(1)))
    return None


def _free(pattern: re.Pattern[str], original: str, line: str) -> re.Match[str] | None:
    """Match a command that carries free text (a reason, a comment) on the words as written,
    falling back to the normalized line (full-width letters in "ＲＥＱ-12")."""
    return pattern.match(original) or pattern.match(line)


def _approval_command(original: str, line: str, lowered: str) -> Command | None:
    if match := _free(_APPROVE, original, line):
        return Approve(int(match.group(1)), match.group(2).strip())
    if match := _free(_REJECT, original, line):
        return Reject(int(match.group(1)), match.group(2).strip())
    if _MY_APPROVALS.match(lowered):
        return MyApprovals()
    if _CANCEL_DELEGATION.match(lowered):
        return CancelDelegation()
    if _SHOW_DELEGATION.match(lowered):
        return ShowDelegation()
    if match := _DELEGATE.match(line):
        return Delegate(match["who"].strip(), (match["until"] or "").strip())
    return None


def _task_command(original: str, line: str, lowered: str) -> Command | None:
    if _MY_TASKS.match(lowered):
        return MyTasks()
    if match := _QUEUE.match(line):
        return Queue((match.group(1) or "").strip())
    if match := _SHOW_TASK.match(line):
        return TaskAction("show", int(match.group(1)))
    for verb, pattern in _TASK_ACTIONS:
        if match := _free(pattern, original, line):
            return TaskAction(verb, int(match.group(1)), match.group(2).strip())
    return None
