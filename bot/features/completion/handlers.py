"""The requester's taps at the end: Solved / Not solved, and the satisfaction score."""

from __future__ import annotations

from bot.features.completion import flow
from bot.features.completion.actions import ConfirmClick, SurveyClick
from bot.features.registry import Click
from bot.turn import Turn
from bot.visibility import visible_request


async def confirm_click(turn: Turn, click: ConfirmClick, tapped: Click) -> None:
    """Someone who may not see the request (a crafted click) hears "not found", as for a
    typed REQ-n; someone who may see it but is not its requester is told only they can."""
    if await visible_request(turn, click.request) is not None:
        await flow.confirm(turn, click.request, click.answer)


async def survey_click(turn: Turn, click: SurveyClick, tapped: Click) -> None:
    if await visible_request(turn, click.request) is not None:
        await flow.rate(turn, click.request, click.score)
