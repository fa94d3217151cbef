"""Delegation's typed commands; "委托 <a question>" that names nobody is not one."""

from __future__ import annotations

from bot.features.delegation import flow
from bot.features.delegation.commands import CancelDelegation, Delegate, ShowDelegation
from bot.turn import Turn


def keeps(turn: Turn, command: object) -> bool:
    """"委托书怎么开" is a question for the catalog, not a delegation."""
    return (not isinstance(command, Delegate) or bool(command.until)
            or flow.looks_like_a_person(turn, command.to))


async def delegate(turn: Turn, command: Delegate) -> None:
    await flow.delegate(turn, command.to, command.until)


async def cancel(turn: Turn, command: CancelDelegation) -> None:
    await flow.cancel(turn)


async def show(turn: Turn, command: ShowDelegation) -> None:
    await flow.show(turn)
