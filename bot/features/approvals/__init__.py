"""Approvals: the chain a request gets (routing), its cards, the decisions on them (flow), the
typed commands "同意/驳回 REQ-12" and "待我审批", and the question "why reject?"; the moves
转交 (transfer), 加签 (add an approver) and 抄送 (CC).
Its timer kinds: reminders and escalations of a pending seat, the morning digest.
"""

from __future__ import annotations

from bot.features.approvals import handlers, pending, sendback_handlers
from bot.features.approvals.actions import MOVE_PREFIX, PREFIX, ApprovalClick, MoveClick
from bot.features.approvals.commands import (
    AddApprover,
    AnswerSendBack,
    Approve,
    ApprovePending,
    MyApprovals,
    Reject,
    SendBack,
    Transfer,
    parse_approval,
    parse_move,
    parse_send_back,
)
from bot.features.approvals.prompts import PROMPTS
from bot.features.approvals.sendback_ids import SEND_BACK_PREFIX, AnswerClick, SendBackClick
from bot.features.approvals.timers import ApprovalTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="approvals",
    parsers=(parse_approval, parse_send_back, parse_move),
    commands={Approve: handlers.approve, Reject: handlers.reject,
              MyApprovals: handlers.my_approvals,
              SendBack: sendback_handlers.send_back_command,
              AnswerSendBack: sendback_handlers.answer_command,
              Transfer: handlers.transfer_command,
              AddApprover: handlers.add_approver_command,
              ApprovePending: pending.approve_pending},
    actions={PREFIX: on_click(ApprovalClick, handlers.click),
             SEND_BACK_PREFIX: on_click(SendBackClick, sendback_handlers.send_back_click),
             AnswerClick.PREFIX: on_click(AnswerClick, sendback_handlers.answer_click),
             MOVE_PREFIX: on_click(MoveClick, handlers.move_click)},
    prompts=PROMPTS,
    timers=ApprovalTimers.kinds,
)
