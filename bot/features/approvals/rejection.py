"""The message a requester gets when their request is rejected: why, with a Resubmit button
(重新提交) that opens the same form prefilled with the rejected answers."""

from __future__ import annotations

from bot.action_ids import StatusClick
from bot.features.approvals.sendback_ids import ResubmitClick
from chat.i18n import say
from chat.replies import Button, Card
from store.models import RequestRow
from store.requests import format_request_id


def rejection_card(request: RequestRow, locale: str, *, who: str, reason: str) -> Card:
    rid = format_request_id(request.id or 0)
    return Card(
        title=say("ret.rejected_title", locale, rid=rid),
        body=say("apr.rejected", locale, rid=rid, who=who, reason=reason),
        buttons=(Button(say("ret.resubmit", locale), ResubmitClick(request.id or 0).format(),
                        style="primary"),
                 Button(say("apr.details", locale), StatusClick(request.id or 0).format())))
