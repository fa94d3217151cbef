"""Approvers in chat: card clicks, "同意/驳回 REQ-12", "待我审批" (my approvals), and the moves
"转交 REQ-12 给 carol" (transfer) and "加签 REQ-12 dave" (add an approver)."""

from __future__ import annotations

from bot.features.approvals import add_approver, flow, moves, pending, transfer
from bot.features.approvals.actions import ApprovalClick, MoveClick
from bot.features.approvals.commands import AddApprover, Approve, MyApprovals, Reject, Transfer
from bot.features.registry import Click
from bot.turn import Turn
from bot.views import status_label
from bot.visibility import step_hidden, visible_request
from chat.i18n import say
from chat.replies import Text
from store import approvals
from store.requests import format_request_id


async def click(turn: Turn, click: ApprovalClick, tapped: Click) -> None:
    """Approve or Reject on a card; ``tapped.text`` is the reason when the platform asked for
    it itself (a modal), so it is not asked again."""
    await flow.decide(turn, step_id=click.step, seat=click.seat, verdict=click.verdict,
                      comment=tapped.text)


async def approve(turn: Turn, command: Approve) -> None:
    await by_text(turn, command.request_id, "approved", command.comment)


async def reject(turn: Turn, command: Reject) -> None:
    await by_text(turn, command.request_id, "rejected", command.reason)


async def by_text(turn: Turn, request_id: int, verdict: str, comment: str) -> None:
    """"同意 REQ-12 好的" / "reject REQ-12 over budget": the current step of that request."""
    request = await visible_request(turn, request_id)
    if request is None:
        return
    pending = [s for s in await approvals.steps_of(turn.session, request_id=request_id)
               if s.state == "pending"]
    if not pending:
        await turn.reply(Text(say("apr.nothing_pending", turn.locale,
                                  rid=format_request_id(request_id),
                                  status=status_label(request.status, turn.locale))))
        return
    await flow.decide(turn, step_id=pending[0].id or 0, seat=None, verdict=verdict,
                      comment=comment)


async def my_approvals(turn: Turn, command: MyApprovals | None = None) -> None:
    """Everything waiting for this person (or for those they approve for), each as a card."""
    cards = await pending.waiting_for(turn)
    if not cards:
        await turn.reply(Text(say("apr.my_none", turn.locale)))
        return
    await turn.reply(Text(say("apr.my_title", turn.locale, n=len(cards))))
    await pending.send_cards(turn, cards)


async def transfer_command(turn: Turn, command: Transfer) -> None:
    """"转交 REQ-12 给 carol 我在休假"; naming nobody asks to whom."""
    held = await moves.held_by_request(turn, command.request_id)
    if held is not None:
        await transfer.transfer(turn, held, command.text)


async def add_approver_command(turn: Turn, command: AddApprover) -> None:
    """"加签 REQ-12 dave"; naming nobody asks whom."""
    held = await moves.held_by_request(turn, command.request_id)
    if held is not None:
        await add_approver.add(turn, held, command.text)


async def move_click(turn: Turn, click: MoveClick, tapped: Click) -> None:
    """The card's Transfer button: ask to whom (or hand over at once when the platform
    collected the name with the click)."""
    if await step_hidden(turn, click.step):
        return
    held = await moves.held_by_step(turn, click.step, click.seat)
    if held is None:
        return
    if tapped.text.strip():
        await transfer.transfer(turn, held, tapped.text)
    else:
        await transfer.ask_whom(turn, held)
