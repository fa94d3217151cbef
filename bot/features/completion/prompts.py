"""The completion's question: an optional comment after the satisfaction score ("skip" skips
it). "Why not solved?" is asked here too (``flow.confirm``), but answered by the tasks feature,
which hands the task back (``bot.features.tasks.prompts``)."""

from __future__ import annotations

from bot.features.completion import flow
from bot.features.registry import Prompt
from bot.state import PromptState
from bot.turn import Turn


async def survey_comment(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.comment(turn, prompt.request, text)


# "跳过" (or "取消") ends the question without a comment: said as such, not thanked for.
PROMPTS = {"csat_comment": Prompt(survey_comment, kept="values.comment_skipped",
                                  skippable=True)}
