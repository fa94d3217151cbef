"""Steps shared by the approval journeys: file a request, find an approver's card, read it."""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Button, Card
from store import approvals, audit, requests
from store.models import AuditEventRow, RequestRow
from tests.scenario.helpers import fill_form


async def submit(chat: ChatDriver, person: str) -> None:
    """Tap Submit on the confirmation card, in whatever language it is."""
    card = chat.last(person)
    assert isinstance(card, Card), card
    await chat.click_action(person, next(b.action_id for b in card.buttons
                                         if b.action_id.endswith(":submit")))

LAPTOP = "it.laptop"


async def file_laptop(chat: ChatDriver, person: str, budget: int) -> None:
    await chat.say(person, f"我要申请一台笔记本，预算{budget}")
    await fill_form(chat, person, LAPTOP, {"reason": "旧电脑坏了需要更换"})
    await submit(chat, person)


async def file_expense(chat: ChatDriver, person: str, amount: int) -> None:
    await chat.say(person, f"我要报销差旅费{amount}元")
    await fill_form(chat, person, "fin.expense")
    await submit(chat, person)


async def file_purchase(chat: ChatDriver, person: str, amount: int) -> None:
    await chat.say(person, "我要采购服务器")
    await fill_form(chat, person, "proc.purchase", {"amount": str(amount), "item": "服务器"})
    await submit(chat, person)


def approval_cards(chat: ChatDriver, person: str, rid: str = "REQ-1") -> list[Card]:
    """Every approval card ``person`` received for ``rid`` (sent or updated), oldest first."""
    return [m for m in chat.inbox(person) if isinstance(m, Card) and rid in m.title
            and m.title.startswith(("审批", "Approve"))]


def latest_card(chat: ChatDriver, person: str, rid: str = "REQ-1") -> Card:
    cards = approval_cards(chat, person, rid)
    assert cards, f"{person} has no approval card for {rid}"
    return cards[-1]


def approve_button(card: Card) -> Button | None:
    return next((b for b in card.buttons if b.action_id.endswith(":approve")), None)


def texts(chat: ChatDriver, person: str) -> str:
    from tests.scenario.helpers import text_of

    return "\n".join(text_of(m) for m in chat.inbox(person))


async def request_row(chat: ChatDriver, number: int = 1) -> RequestRow:
    async with chat.app.db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=number)
    assert row is not None
    return row


async def trail(chat: ChatDriver, rid: str = "REQ-1") -> list[AuditEventRow]:
    async with chat.app.db.unit_of_work() as uow:
        return await audit.events_for(uow.session, subject=rid)


async def seat_states(chat: ChatDriver, number: int = 1) -> dict[tuple[int, str], str]:
    """``{(step position, approver): state}`` for the request's latest round."""
    async with chat.app.db.unit_of_work() as uow:
        found = {}
        for step in await approvals.steps_of(uow.session, request_id=number):
            for seat in await approvals.seats_of(uow.session, step_id=step.id or 0):
                found[(step.position, seat.approver)] = seat.state
    return found
