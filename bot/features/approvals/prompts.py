"""The approvals' question: a Reject without a reason asks "why?" (``flow.ask_reason``); the
answer rejects, with it as the comment. Cancelling keeps the request waiting. The Transfer
button and "转交/加签 REQ-12" naming nobody ask whom; the answer names them (and a note)."""

from __future__ import annotations

from bot.features.approvals import add_approver, flow, pending, send_back, transfer
from bot.features.registry import Prompt
from bot.state import PromptState
from bot.turn import Turn


async def reject_reason(turn: Turn, prompt: PromptState, text: str) -> None:
    await flow.decide(turn, step_id=prompt.step, seat=prompt.seat or None, verdict="rejected",
                      comment=text)


async def send_back_question(turn: Turn, prompt: PromptState, text: str) -> None:
    """The Send back button without a question asked for one: this is it."""
    await send_back.send_back(turn, step_id=prompt.step, seat=prompt.seat or None, question=text)


async def send_back_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    """The requester's answer to an approver's question: approval resumes."""
    await send_back.answer(turn, prompt.request, text)


PROMPTS = {
    "reject": Prompt(reject_reason, kept="apr.reject_kept"),
    "send_back": Prompt(send_back_question, kept="ret.send_back_kept"),
    "send_back_answer": Prompt(send_back_answer, kept="ret.answer_kept", lasting=True),
    "transfer": Prompt(transfer.by_answer, kept="apr.move_kept"),
    "add_approver": Prompt(add_approver.by_answer, kept="apr.move_kept"),
    "approve_pending": Prompt(pending.confirmed, kept="digress.approve_kept"),
}
