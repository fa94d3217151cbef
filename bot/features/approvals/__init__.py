"""Approvals: the chain a request gets (routing), its cards, the decisions on them (flow), the
typed commands "同意/驳回 REQ-12" and "待我审批", and the question "why reject?".
Its timer kinds: reminders and escalations of a pending seat, the morning digest.
"""

from __future__ import annotations

from bot.features.approvals import handlers
from bot.features.approvals.actions import PREFIX, ApprovalClick
from bot.features.approvals.commands import Approve, MyApprovals, Reject, parse_approval
from bot.features.approvals.prompts import PROMPTS
from bot.features.approvals.timers import ApprovalTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="approvals",
    parsers=(parse_approval,),
    commands={Approve: handlers.approve, Reject: handlers.reject,
              MyApprovals: handlers.my_approvals},
    actions={PREFIX: on_click(ApprovalClick, handlers.click)},
    prompts=PROMPTS,
    timers=ApprovalTimers.kinds,
)
