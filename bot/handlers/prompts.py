"""Answers to a single free-text question we asked: a withdrawal's or a rejection's reason.

The question may have interrupted a form; once it is answered (or cancelled) the form comes back
with its current question.
"""

from __future__ import annotations

from bot import conversation
from bot.approvals import flow
from bot.conversation import ConversationState
from bot.handlers import forms, status
from bot.i18n import say
from bot.replies import Text
from bot.turn import Turn
from dialogs.words import command_of
from store.requests import format_request_id

_KEPT = {"withdraw": "req.withdraw_kept", "reject": "apr.reject_kept"}


async def answer_prompt(turn: Turn, state: ConversationState, text: str) -> None:
    purpose = str(state.get("purpose"))
    request_id = int(state.get("request") or 0)
    if command_of(text) == "cancel":
        resumed = await conversation.end_prompt(turn, state)
        await turn.reply(Text(say(_KEPT.get(purpose, "req.withdraw_kept"), turn.locale,
                                  rid=format_request_id(request_id))))
        await _resume(turn, resumed)
        return
    if not text.strip():
        await turn.reply(Text(say("req.reason_empty", turn.locale)))
        return
    resumed = await conversation.end_prompt(turn, state)
    if purpose == "withdraw":
        await status.withdraw(turn, request_id, text.strip())
    elif purpose == "reject":
        await flow.decide(turn, step_id=int(state.get("step") or 0),
                          seat=str(state.get("seat") or "") or None, verdict="rejected",
                          comment=text.strip())
    await _resume(turn, resumed)


async def _resume(turn: Turn, resumed: ConversationState | None) -> None:
    if resumed is not None and resumed.get("kind") == "form":
        await forms.reprompt(turn, resumed)
