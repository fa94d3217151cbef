"""A trail event as one readable line in the page's locale: who did what, and the detail that
matters (the task, the comment, the reason). An action without a sentence of its own is shown
by its name."""

from __future__ import annotations

from typing import Any

from chat.i18n import say

EVENT_KEYS = {
    "request.submitted": "web.event.request_submitted",
    "request.amended": "web.event.request_amended",
    "request.in_progress": "web.event.request_in_progress",
    "request.resolved": "web.event.request_resolved",
    "request.closed": "web.event.request_closed",
    "request.reopened": "web.event.request_reopened",
    "request.rejected": "web.event.request_rejected",
    "request.withdrawn": "web.event.request_withdrawn",
    "request.resubmitted": "web.event.request_resubmitted",
    "request.breached": "web.event.request_breached",
    "approval.started": "web.event.approval_started",
    "approval.step_started": "web.event.approval_step_started",
    "approval.approved": "web.event.approval_approved",
    "approval.rejected": "web.event.approval_rejected",
    "approval.step_approved": "web.event.approval_step_approved",
    "approval.completed": "web.event.approval_completed",
    "approval.restarted": "web.event.approval_restarted",
    "approval.transferred": "web.event.approval_transferred",
    "approval.approver_added": "web.event.approval_approver_added",
    "approval.sent_back": "web.event.approval_sent_back",
    "approval.resumed": "web.event.approval_resumed",
    "approval.reminded": "web.event.approval_reminded",
    "approval.escalated": "web.event.approval_escalated",
    "approval.cc_sent": "web.event.approval_cc_sent",
    "task.created": "web.event.task_created",
    "task.ready": "web.event.task_ready",
    "task.claimed": "web.event.task_claimed",
    "task.done": "web.event.task_done",
    "task.released": "web.event.task_released",
    "task.handed_over": "web.event.task_handed_over",
    "task.info_requested": "web.event.task_info_requested",
    "task.info_answered": "web.event.task_info_answered",
    "task.reopened": "web.event.task_reopened",
    "task.cancelled": "web.event.task_cancelled",
    "task.escalated": "web.event.task_escalated",
    "task.breached": "web.event.task_breached",
    "exception.requested": "web.event.exception_requested",
    "exception.granted": "web.event.exception_granted",
    "exception.denied": "web.event.exception_denied",
    "exception.revoked": "web.event.exception_revoked",
    "exception.expired": "web.event.exception_expired",
    "exception.ended": "web.event.exception_ended",
    "survey.answered": "web.event.survey_answered",
}
DETAIL_KEYS = ("task", "exception", "comment", "reason", "note", "question", "answer", "score")


def event_line(action: str, data: dict[str, Any], actor: str, principal: str | None,
               locale: str) -> str:
    who = say("web.event.on_behalf", locale, actor=actor, principal=principal) \
        if principal else actor
    key = EVENT_KEYS.get(action)
    line = say(key, locale, actor=who) if key else f"{who}: {action}"
    details = [str(data[name]) for name in DETAIL_KEYS
               if isinstance(data.get(name), str | int) and str(data[name]).strip()]
    return f"{line} · {' · '.join(details)}" if details else line
