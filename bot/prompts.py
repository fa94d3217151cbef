"""Answers to a single free-text question we asked: a withdrawal's or a rejection's reason, a
task's new holder, an agent's question, the requester's answer to it, why a resolved request
is not solved, a survey comment.

The question may have interrupted a form; once it is answered (or cancelled) the form comes back
with its current question.
"""

from __future__ import annotations

from bot import conversation
from bot.features.approvals import flow
from bot.features.completion import flow as completion
from bot.features.forms import flow as forms
from bot.features.status import flow as status
from bot.features.tasks import flow as task_flow
from bot.state import FormState, PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.words import command_of
from store.requests import format_request_id
from store.tasks import format_task_id

_KEPT = {
    "withdraw": "req.withdraw_kept", "reject": "apr.reject_kept", "handover": "task.kept",
    "question": "task.kept", "info": "task.kept", "reopen": "cfm.kept",
    "csat_comment": "csat.comment_saved",
}


async def answer_prompt(turn: Turn, state: PromptState, text: str) -> None:
    purpose = state.purpose
    request_id = state.request
    word = command_of(text)
    if word == "cancel" or (word == "skip" and purpose == "csat_comment"):
        resumed = await conversation.end_prompt(turn, state)
        await turn.reply(Text(say(_KEPT.get(purpose, "req.withdraw_kept"), turn.locale,
                                  rid=format_request_id(request_id), tid=_tid(state))))
        await _resume(turn, resumed)
        return
    if not text.strip():
        await turn.reply(Text(say("req.reason_empty", turn.locale)))
        return
    resumed = await conversation.end_prompt(turn, state)
    await _answer(turn, purpose, state, text.strip())
    await _resume(turn, resumed)


def _tid(state: PromptState) -> str:
    return format_task_id(state.task)


async def _answer(turn: Turn, purpose: str, state: PromptState, text: str) -> None:
    request_id = state.request
    task_id = state.task
    if purpose == "handover":
        await task_flow.hand_over(turn, task_id, text)
    elif purpose == "question":
        await task_flow.ask_requester(turn, task_id, text)
    elif purpose == "info":
        await task_flow.answer_requester_question(turn, task_id, text)
    elif purpose == "reopen":
        await completion.reopen(turn, request_id, text)
    elif purpose == "csat_comment":
        await completion.comment(turn, request_id, text)
    elif purpose == "withdraw":
        await status.withdraw(turn, request_id, text)
    elif purpose == "reject":
        await flow.decide(turn, step_id=state.step, seat=state.seat or None, verdict="rejected",
                          comment=text)


async def _resume(turn: Turn, resumed: FormState | None) -> None:
    if resumed is not None:
        await forms.reprompt(turn, resumed)
