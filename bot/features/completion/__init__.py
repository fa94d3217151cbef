"""The end of a request: resolved when its tasks are finished, confirmed (or not) by the
requester, closed, and the satisfaction survey. "Not solved" hands the task meant back through
the tasks feature's prompt ``reopen`` (and ``reopen_which`` when several tasks could be meant).
Typed: "确认 REQ-12", "未解决 REQ-12", and "是"/"否" to the open confirmation.
Its timer kind: the confirmation timeout.
"""

from __future__ import annotations

from bot.features.completion import handlers
from bot.features.completion.actions import CONFIRM, SURVEY, ConfirmClick, SurveyClick
from bot.features.completion.commands import (
    Confirm,
    Rate,
    parse_bare_confirm,
    parse_confirm,
    parse_rate,
)
from bot.features.completion.prompts import PROMPTS
from bot.features.completion.timers import CompletionTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="completion",
    parsers=(parse_confirm, parse_rate),
    replies=(parse_bare_confirm,),
    commands={Confirm: handlers.confirm_command, Rate: handlers.rate_command},
    actions={CONFIRM: on_click(ConfirmClick, handlers.confirm_click),
             SURVEY: on_click(SurveyClick, handlers.survey_click)},
    prompts=PROMPTS,
    timers=CompletionTimers.kinds,
)
