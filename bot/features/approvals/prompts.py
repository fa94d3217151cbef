"""The approvals' question: a Reject without a reason asks "why?" (``flow.ask_reason``); the
answer rejects, with it as the comment. Cancelling keeps the request waiting."""

from __future__ import annotations

from bot.features.approvals import flow
from bot.features.registry import Prompt
from bot.state import PromptState
from bot.turn import Turn


async def reject_reason(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.decide(turn, step_id=prompt.step, seat=prompt.seat or None, verdict="rejected",
                      comment=text)


PROMPTS = {"reject": Prompt(reject_reason, kept="apr.reject_kept")}
