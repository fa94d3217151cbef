"""The tasks' questions: to whom a task goes ("转交"), what an agent asks the requester, the
requester's answer, and why a resolved request is not solved (the task it names goes back;
when several could be meant, which one: typed, or tapped on the card)."""

from __future__ import annotations

from bot.features.completion import flow as completion
from bot.features.completion import reopening
from bot.features.completion.actions import ReopenClick
from bot.features.registry import Click, Prompt
from bot.features.tasks import flow
from bot.state import PromptState
from bot.turn import Turn
from bot.visibility import visible_request


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


async def which_not_done(turn: Turn, prompt: PromptState, text: str) -> None:
    """The answer to "which part is not done?" (the reason was given before it)."""
    task_id = await reopening.answer_which(turn, prompt.request, prompt.note, text)
    if task_id:
        await reopen_task(turn, prompt.request, task_id, prompt.note)


async def reopen_task(turn: Turn, request_id: int, task_id: int, reason: str) -> None:
    reopened = await completion.reopen(turn, request_id, reason, task_id=task_id)
    if reopened is not None:
        await flow.hand_back(turn, *reopened, reason)


async def which_click(turn: Turn, click: ReopenClick, tapped: Click) -> None:
    """A tap on "which part is not done?": the reason is the one given before it. A stranger's
    crafted tap gets the typed REQ-n's "not found"."""
    if await visible_request(turn, click.request) is None:
        return
    asked = tapped.asked
    reason = asked.note if asked is not None and asked.request == click.request else ""
    await reopen_task(turn, click.request, click.task, reason)


PROMPTS = {
    "handover": Prompt(new_holder, kept="task.kept"),
    "question": Prompt(question, kept="task.kept"),
    "info": Prompt(answer, kept="task.kept", lasting=True),
    "reopen": Prompt(not_solved, kept="cfm.kept"),
    "reopen_which": Prompt(which_not_done, kept="cfm.kept"),
}
