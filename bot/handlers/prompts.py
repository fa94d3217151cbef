"""Answers to a single free-text question we asked (e.g. the reason for a withdrawal)."""

from __future__ import annotations

from bot import conversation
from bot.conversation import ConversationState
from bot.handlers import status
from bot.i18n import say
from bot.replies import Text
from bot.turn import Turn
from dialogs.words import command_of
from store.requests import format_request_id


async def answer_prompt(turn: Turn, state: ConversationState, text: str) -> None:
    purpose = state.get("purpose")
    request_id = int(state.get("request") or 0)
    if command_of(text) == "cancel":
        await conversation.clear(turn)
        await turn.reply(Text(say("req.withdraw_kept", turn.locale,
                                  rid=format_request_id(request_id))))
        return
    if not text.strip():
        await turn.reply(Text(say("req.reason_empty", turn.locale)))
        return
    await conversation.clear(turn)
    if purpose == "withdraw":
        await status.withdraw(turn, request_id, text.strip())
