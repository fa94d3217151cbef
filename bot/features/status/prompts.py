"""The status feature's question: why withdraw (asked by the Withdraw button, or by "撤回
REQ-12" without a reason); the answer withdraws the request."""

from __future__ import annotations

from bot.features.registry import Prompt
from bot.features.status import flow
from bot.state import PromptState
from bot.turn import Turn


async def withdraw_reason(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.withdraw(turn, prompt.request, text)


PROMPTS = {"withdraw": Prompt(withdraw_reason, kept="req.withdraw_kept")}
