"""Send back in chat: "退回 REQ-12 请补充型号", the Send back button, "答复 REQ-12 ...", and the
Answer button."""

from __future__ import annotations

from bot.features.approvals import send_back
from bot.features.approvals.commands import AnswerSendBack, SendBack
from bot.features.approvals.sendback_ids import AnswerClick, SendBackClick
from bot.features.registry import Click
from bot.turn import Turn
from bot.views import status_label
from bot.visibility import step_hidden, visible_request
from chat.i18n import say
from chat.replies import Text
from store import approvals
from store.requests import format_request_id


async def send_back_command(turn: Turn, command: SendBack) -> None:
    """"退回 REQ-12 请补充型号": the current step of that request."""
    request = await visible_request(turn, command.request_id)
    if request is None:
        return
    pending = [s for s in await approvals.steps_of(turn.session, request_id=command.request_id)
               if s.state == "pending"]
    if not pending:
        await turn.reply(Text(say("apr.nothing_pending", turn.locale,
                                  rid=format_request_id(command.request_id),
                                  status=status_label(request.status, turn.locale))))
        return
    await send_back.send_back(turn, step_id=pending[0].id or 0, seat=None,
                              question=command.question)


async def answer_command(turn: Turn, command: AnswerSendBack) -> None:
    await send_back.answer(turn, command.request_id, command.answer)


async def send_back_click(turn: Turn, click: SendBackClick, tapped: Click) -> None:
    """The card's Send back button; ``tapped.text`` is the question when the platform asked
    for it itself (a modal)."""
    if await step_hidden(turn, click.step):
        return
    await send_back.send_back(turn, step_id=click.step, seat=click.seat, question=tapped.text)


async def answer_click(turn: Turn, click: AnswerClick, tapped: Click) -> None:
    if tapped.text.strip():
        await send_back.answer(turn, click.request, tapped.text)
        return
    await send_back.ask_answer(turn, click.request)
