"""The requester's taps at the end: Solved / Not solved, and the satisfaction score; and the
typed forms of Solved / Not solved."""

from __future__ import annotations

from bot.features.completion import flow
from bot.features.completion.actions import ConfirmClick, SurveyClick
from bot.features.completion.commands import Confirm, Rate
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


async def confirm_command(turn: Turn, command: Confirm) -> None:
    await flow.confirm_typed(turn, command.request, command.answer)


async def rate_command(turn: Turn, command: Rate) -> None:
    if await visible_request(turn, command.request) is not None:
        await flow.rate(turn, command.request, command.score)
