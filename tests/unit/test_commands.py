"""Text commands: what a whole message means, in Chinese and English."""

from __future__ import annotations

import pytest

from bot.features import parse_command
from bot.features.amendment.commands import Amend
from bot.features.approvals.commands import Approve, ApprovePending, MyApprovals, Reject
from bot.features.completion.commands import Confirm, Rate
from bot.features.delegation.commands import CancelDelegation, Delegate, ShowDelegation
from bot.features.registry import Command
from bot.features.status.commands import FindRequest, MyRequests, ShowStatus, Withdraw
from bot.features.tasks.commands import MyTasks, Queue, TaskAction

CASES: list[tuple[str, Command | None]] = [
    ("同意 REQ-12", Approve(12, "")),
    ("approve REQ-12 ok", Approve(12, "ok")),
    ("Approve req12, looks fine", Approve(12, "looks fine")),
    ("同意 REQ-12 好的，尽快发。", Approve(12, "好的，尽快发。")),
    ("批准ＲＥＱ－１２", Approve(12, "")),
    ("驳回 REQ-12 预算超标", Reject(12, "预算超标")),
    ("reject REQ-12 over budget", Reject(12, "over budget")),
    ("驳回REQ-12", Reject(12, "")),
    ("待我审批", MyApprovals()),
    ("My approvals", MyApprovals()),
    ("委托 carol 代批到12月10日", Delegate("carol", "12月10日")),
    ("delegate to carol until 2026-12-10", Delegate("carol", "2026-12-10")),
    ("委托给王小丽到12月10日", Delegate("王小丽", "12月10日")),
    ("委托王小丽代批到12月10日", Delegate("王小丽", "12月10日")),
    ("委托 carol", Delegate("carol", "")),
    ("取消委托", CancelDelegation()),
    ("cancel delegation", CancelDelegation()),
    ("我的委托", ShowDelegation()),
    ("修改 REQ-12 金额 6000", Amend(12, "金额 6000")),
    ("change REQ-12 amount to 6000", Amend(12, "amount to 6000")),
    ("withdraw REQ-3 no longer needed", Withdraw(3, "no longer needed")),
    ("REQ-12", ShowStatus(12)),
    ("我的申请", MyRequests()),
    ("我的任务", MyTasks()),
    ("队列 it-desk", Queue("it-desk")),
    ("queue", Queue("")),
    ("认领 TASK-7", TaskAction("claim", 7)),
    ("完成 TASK-7 已交付", TaskAction("done", 7, "已交付")),
    ("done task 7", TaskAction("done", 7)),
    ("释放 TASK-7", TaskAction("release", 7)),
    ("转交 TASK-7 给 dave", TaskAction("handover", 7, "给 dave")),
    ("hand over TASK-7 to dave", TaskAction("handover", 7, "to dave")),
    ("问 TASK-7 邮箱用拼音吗？", TaskAction("ask", 7, "邮箱用拼音吗？")),
    ("reply TASK-7 use pinyin", TaskAction("reply", 7, "use pinyin")),
    ("TASK-7", TaskAction("show", 7)),
    ("队列是什么意思", None),
    ("完成了吗", None),
    ("同意", ApprovePending()),  # no request named: the only one waiting, after a yes
    ("approve", ApprovePending()),
    ("确认 REQ-12", Confirm("yes", 12)),
    ("confirm REQ-12", Confirm("yes", 12)),
    ("未解决 REQ-12", Confirm("no", 12)),
    ("not solved REQ-12", Confirm("no", 12)),
    ("评分 REQ-12 5", Rate(12, 5)),
    ("查一下 REQ-12", ShowStatus(12)),
    ("REQ-12 进度如何", ShowStatus(12)),
    ("TASK-7 怎么样了", TaskAction("show", 7)),
    ("我的电脑申请到哪了", FindRequest("我的电脑申请到哪了")),
    ("what's the status of my laptop request",
     FindRequest("what's the status of my laptop request")),
    ("报销的钱什么时候到", FindRequest("报销的钱什么时候到")),
    ("电脑坏了什么时候能修好", None),  # a request, not a question about one's requests
    ("项目进度紧张需要高性能电脑", None),  # a laptop's reason, not a question
    ("where is my badge request?", FindRequest("where is my badge request?")),
    ("我的报销什么时候能到账", FindRequest("我的报销什么时候能到账")),
    ("是", None),  # a bare reply: only when nothing is open (REGISTRY.parse_reply)
    ("我同意这个方案", None),
    ("approval process for laptops", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_message_is_read_as_the_command_it_is(text: str, expected: Command | None) -> None:
    assert parse_command(text) == expected
