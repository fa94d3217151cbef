"""Answers to a single free-text question we asked (a rejection's reason, a task's new holder,
...): the feature that asked registered the ``purpose``, and takes the answer.

The question may have interrupted a form; once it is answered (or cancelled) the form comes back
with its current question.
"""

from __future__ import annotations

from bot import conversation
from bot.features import REGISTRY
from bot.features.forms import flow as forms
from bot.state import FormState, PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.words import command_of
from store.requests import format_request_id
from store.tasks import format_task_id

UNKNOWN_KEPT = "req.withdraw_kept"  # said when a question of no registered purpose is cancelled


async def answer_prompt(turn: Turn, state: PromptState, text: str) -> None:
    prompt = REGISTRY.prompts.get(state.purpose)
    word = command_of(text)
    if word == "cancel" or (word == "skip" and prompt is not None and prompt.skippable):
        resumed = await conversation.end_prompt(turn, state)
        kept = prompt.kept if prompt is not None else UNKNOWN_KEPT
        await turn.reply(Text(say(kept, turn.locale, rid=format_request_id(state.request),
                                  tid=format_task_id(state.task))))
        await _resume(turn, resumed)
        return
    if not text.strip():
        await turn.reply(Text(say("req.reason_empty", turn.locale)))
        return
    resumed = await conversation.end_prompt(turn, state)
    if prompt is not None:
        await prompt.answer(turn, state, text.strip())
    await _resume(turn, resumed)


async def _resume(turn: Turn, resumed: FormState | None) -> None:
    if resumed is not None:
        await forms.reprompt(turn, resumed)
