"""Governed exceptions (例外, issue 18): asked for in chat on one request, granted by its
approver (never the requester nor anyone acting for them), limited in time, undone at the end
(recovery tasks), reviewed when a service grants them too often. Its timer kinds: expiry, the
reminder before it, an end caused elsewhere, and the approvers' nudge.
"""

from __future__ import annotations

from bot.features.exceptions import handlers
from bot.features.exceptions.actions import PREFIX, ExceptionClick
from bot.features.exceptions.commands import (
    AskException,
    DecideException,
    ExceptionsToGrant,
    MyExceptions,
    RevokeException,
    ServiceExceptions,
    parse_exception,
)
from bot.features.exceptions.prompts import PROMPTS
from bot.features.exceptions.timers import ExceptionTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="exceptions",
    parsers=(parse_exception,),
    commands={AskException: handlers.ask, RevokeException: handlers.revoke,
              DecideException: handlers.decide_typed,
              MyExceptions: handlers.mine, ExceptionsToGrant: handlers.to_grant,
              ServiceExceptions: handlers.of_service},
    actions={PREFIX: on_click(ExceptionClick, handlers.click)},
    prompts=PROMPTS,
    timers=ExceptionTimers.kinds,
)
