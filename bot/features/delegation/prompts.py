"""Delegation's question: "委托 carol" without an end date asks until when; the answer is the
date (``PromptState.seat`` holds the delegate's id)."""

from __future__ import annotations

from bot.features.delegation import flow
from bot.features.registry import Prompt
from bot.state import PromptState
from bot.turn import Turn


async def until_when(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.delegate(turn, prompt.seat, text)


PROMPTS = {"delegation_until": Prompt(until_when, kept="deleg.not_made")}
