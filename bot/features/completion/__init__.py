"""The end of a request: resolved when its tasks are finished, confirmed (or not) by the
requester, closed, and the satisfaction survey. "Not solved" hands the last task back through
the tasks feature's prompt ``reopen``. Its timer kind: the confirmation timeout.
"""

from __future__ import annotations

from bot.features.completion import handlers
from bot.features.completion.actions import CONFIRM, SURVEY, ConfirmClick, SurveyClick
from bot.features.completion.prompts import PROMPTS
from bot.features.completion.timers import CompletionTimers
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="completion",
    actions={CONFIRM: on_click(ConfirmClick, handlers.confirm_click),
             SURVEY: on_click(SurveyClick, handlers.survey_click)},
    prompts=PROMPTS,
    timers=CompletionTimers.kinds,
)
