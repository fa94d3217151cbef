"""The exceptions' questions answered in text: a written reason ("other"), the validity, the
justification, and why an approver denies."""

from __future__ import annotations

from bot.features.exceptions import decide, flow
from bot.features.registry import Prompt
from bot.state import PromptState
from bot.turn import Turn


async def reason(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.reason_written(turn, prompt.task, text)


async def validity(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.validity_given(turn, prompt.task, text)


async def justification(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.justification_given(turn, prompt.task, text)


async def deny_reason(turn: Turn, prompt: PromptState, text: str) -> None:
    await decide.decide(turn, prompt.task, prompt.seat, "deny", text)


PROMPTS = {
    "exc_reason": Prompt(reason, kept="exc.draft_kept"),
    "exc_validity": Prompt(validity, kept="exc.draft_kept"),
    "exc_justify": Prompt(justification, kept="exc.draft_kept"),
    "exc_deny": Prompt(deny_reason, kept="exc.deny_kept"),
}
