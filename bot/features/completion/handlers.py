"""The requester's taps at the end: Solved / Not solved, and the satisfaction score; and the
survey's optional comment."""

from __future__ import annotations

from bot.features.completion import flow
from bot.features.completion.actions import ConfirmClick, SurveyClick
from bot.features.registry import Click, Prompt
from bot.state import PromptState
from bot.turn import Turn


async def confirm_click(turn: Turn, click: ConfirmClick, tapped: Click) -> None:
    await flow.confirm(turn, click.request, click.answer)


async def survey_click(turn: Turn, click: SurveyClick, tapped: Click) -> None:
    await flow.rate(turn, click.request, click.score)


async def survey_comment(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.comment(turn, prompt.request, text)


PROMPTS = {"csat_comment": Prompt(survey_comment, kept="csat.comment_saved", skippable=True)}
