"""Approvals: the chain a request gets (routing), its cards, the decisions on them (flow), the
typed commands "同意/驳回 REQ-12" and "待我审批", and the question "why reject?".
Its timer kinds: reminders and escalations of a pending seat, the morning digest.
"""

from __future__ import annotations

from bot.features.approvals import handlers, sendback_handlers
from bot.features.approvals.actions import PREFIX, ApprovalClick
from bot.features.approvals.commands import (
    AnswerSendBack,
    Approve,
    MyApprovals,
    Reject,
    SendBack,
    parse_approval,
    parse_send_back,
)
from bot.features.approvals.prompts import PROMPTS
from bot.features.approvals.sendback_ids import SEND_BACK_PREFIX, AnswerClick, SendBackClick
from bot.features.approvals.timers import ApprovalTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="approvals",
    parsers=(parse_approval, parse_send_back),
    commands={Approve: handlers.approve, Reject: handlers.reject,
              MyApprovals: handlers.my_approvals,
              SendBack: sendback_handlers.send_back_command,
              AnswerSendBack: sendback_handlers.answer_command},
    actions={PREFIX: on_click(ApprovalClick, handlers.click),
             SEND_BACK_PREFIX: on_click(SendBackClick, sendback_handlers.send_back_click),
             AnswerClick.PREFIX: on_click(AnswerClick, sendback_handlers.answer_click)},
    prompts=PROMPTS,
    timers=ApprovalTimers.kinds,
)
