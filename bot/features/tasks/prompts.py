"""The tasks' questions: to whom a task goes ("转交"), what an agent asks the requester, the
requester's answer, and why a resolved request is not solved (its last task goes back)."""

from __future__ import annotations

from bot.features.completion import flow as completion
from bot.features.registry import Prompt
from bot.features.tasks import flow
from bot.state import PromptState
from bot.turn import Turn


async def new_holder(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.hand_over(turn, prompt.task, text)


async def question(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.ask_requester(turn, prompt.task, text)


async def answer(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.answer_requester_question(turn, prompt.task, text)


async def not_solved(turn: Turn, prompt: PromptState, text: str) -> None:
    reopened = await completion.reopen(turn, prompt.request, text)
    if reopened is not None:
        await flow.hand_back(turn, *reopened, text)


PROMPTS = {
    "handover": Prompt(new_holder, kept="task.kept"),
    "question": Prompt(question, kept="task.kept"),
    "info": Prompt(answer, kept="task.kept"),
    "reopen": Prompt(not_solved, kept="cfm.kept"),
}
