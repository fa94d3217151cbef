"""Where is my request, from a tap or a typed command."""

from __future__ import annotations

from bot.features.registry import Click
from bot.features.status import flow
from bot.features.status.actions import MyRequestsClick, StatusClick, WithdrawClick
from bot.features.status.commands import FindRequest, MyRequests, ShowStatus, Withdraw
from bot.turn import Turn


async def my_requests(turn: Turn, command: MyRequests) -> None:
    await flow.my_requests(turn)


async def show_status(turn: Turn, command: ShowStatus) -> None:
    await flow.show_status(turn, command.request_id)


async def find_request(turn: Turn, command: FindRequest) -> None:
    await flow.find_request(turn, command.text)


async def withdraw(turn: Turn, command: Withdraw) -> None:
    await flow.withdraw(turn, command.request_id, command.reason)


async def my_requests_click(turn: Turn, click: MyRequestsClick, tapped: Click) -> None:
    await flow.my_requests(turn)


async def status_click(turn: Turn, click: StatusClick, tapped: Click) -> None:
    await flow.show_status(turn, click.request)


async def withdraw_click(turn: Turn, click: WithdrawClick, tapped: Click) -> None:
    await flow.ask_withdraw_reason(turn, click.request)
