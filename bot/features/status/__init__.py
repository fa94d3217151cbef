"""Where is my request: the list of mine, one request's status card with its progress (which
reads approvals, tasks and SLA clocks, so this feature sits above them), and withdrawing one.
Its fallback: any mention of REQ-n, or a question about one's requests by description."""

from __future__ import annotations

from bot.features.registry import Feature, on_click
from bot.features.status import handlers
from bot.features.status.actions import MyRequestsClick, StatusClick, WithdrawClick
from bot.features.status.commands import (
    FindRequest,
    MyRequests,
    ShowStatus,
    Withdraw,
    parse_find_request,
    parse_my_requests,
    parse_status,
)
from bot.features.status.prompts import PROMPTS

FEATURE = Feature(
    name="status",
    parsers=(parse_my_requests, parse_status),
    commands={MyRequests: handlers.my_requests, ShowStatus: handlers.show_status,
              Withdraw: handlers.withdraw, FindRequest: handlers.find_request},
    actions={"mine": on_click(MyRequestsClick, handlers.my_requests_click),
             "st": on_click(StatusClick, handlers.status_click),
             "wd": on_click(WithdrawClick, handlers.withdraw_click)},
    prompts=PROMPTS,
    fallbacks=(parse_find_request,),
)
