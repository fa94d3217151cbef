"""Exceptions in chat: the typed commands and the buttons of its cards."""

from __future__ import annotations

from bot.features.exceptions import decide, ending, flow, lists
from bot.features.exceptions.actions import ExceptionClick
from bot.features.exceptions.commands import (
    AskException,
    DecideException,
    ExceptionsToGrant,
    MyExceptions,
    RevokeException,
    ServiceExceptions,
)
from bot.features.registry import Click
from bot.turn import Turn


async def ask(turn: Turn, command: AskException) -> None:
    await flow.ask(turn, command.request_id, command.kind)


async def revoke(turn: Turn, command: RevokeException) -> None:
    await ending.revoke(turn, command.request_id, command.reason)


async def decide_typed(turn: Turn, command: DecideException) -> None:
    """"批准例外 EXC-3" / "deny EXC-3 reason": as the card's buttons, for whatever part of it
    the person may decide."""
    await decide.decide(turn, command.exception_id, "", command.verdict, command.comment)


async def mine(turn: Turn, command: MyExceptions) -> None:
    await lists.mine(turn)


async def to_grant(turn: Turn, command: ExceptionsToGrant) -> None:
    await lists.to_grant(turn)


async def of_service(turn: Turn, command: ServiceExceptions) -> None:
    await lists.of_service(turn, command.service_id)


async def click(turn: Turn, click: ExceptionClick, tapped: Click) -> None:
    if click.verb == "ask":
        await flow.ask(turn, click.number)
    elif click.verb == "kind":
        await flow.choose_kind(turn, click.number, click.value)
    elif click.verb == "reason":
        await flow.choose_reason(turn, click.number, click.value)
    elif click.verb == "impact":
        await flow.choose_impact(turn, click.number, click.value)
    else:
        await decide.decide(turn, click.number, click.value, click.verb, tapped.text)
