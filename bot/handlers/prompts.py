"""Answers to a single free-text question we asked: a withdrawal's or a rejection's reason, a
task's new holder, an agent's question, the requester's answer to it, why a resolved request
is not solved, a survey comment.

The question may have interrupted a form; once it is answered (or cancelled) the form comes back
with its current question.
"""

from __future__ import annotations

from bot import conversation
from bot.approvals import flow
from bot.conversation import ConversationState
from bot.handlers import forms, status
from bot.tasks import completion
from bot.tasks import flow as task_flow
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


async def answer_prompt(turn: Turn, state: ConversationState, text: str) -> None:
    purpose = str(state.get("purpose"))
    request_id = int(state.get("request") or 0)
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


def _tid(state: ConversationState) -> str:
    return format_task_id(int(state.get("task") or 0))


async def _answer(turn: Turn, purpose: str, state: ConversationState, text: str) -> None:
    request_id = int(state.get("request") or 0)
    task_id = int(state.get("task") or 0)
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
        await flow.decide(turn, step_id=int(state.get("step") or 0),
                          seat=str(state.get("seat") or "") or None, verdict="rejected",
                          comment=text)


async def _resume(turn: Turn, resumed: ConversationState | None) -> None:
    if resumed is not None and resumed.get("kind") == "form":
        await forms.reprompt(turn, resumed)
