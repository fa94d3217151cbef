"""One live copy of a card per recipient: bob asks for his approvals again and again, then
decides; only his latest copy is brought up to date, the older ones point at it (where the
platform edits) or stay as they are (where it cannot), and nothing else is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.features.audit.verification import verify
from bot.testing import ChatDriver
from chat.channel import Capabilities
from chat.replies import Card
from store import outbox
from tests.scenario.approval_steps import approval_cards, file_laptop

MY_APPROVALS = "待我审批"
RETIRED = "已更新，见最新消息"


@pytest.fixture
async def cannot_edit(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    """The bot on a channel with buttons that cannot edit a message it sent."""
    driver = await ChatDriver.open(sqlite_url)
    driver.channel.capabilities = Capabilities(buttons=True, can_update=False)
    yield driver
    report = await verify(driver.app.db)
    await driver.close()
    assert report.problems == (), report.problems


async def bob_sees_the_card_four_times(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)  # bob, alice's manager, gets the card
    for _ in range(3):
        await chat.say("bob", MY_APPROVALS)
    assert len(approval_cards(chat, "bob")) == 4


def deliveries_to(chat: ChatDriver, person: str, since: int) -> list[tuple[bool, Card]]:
    return [(d.updated, d.message) for d in chat.channel.deliveries[since:]
            if d.user == person and isinstance(d.message, Card)]


async def test_only_the_latest_copy_is_updated_and_the_older_ones_point_to_it(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)
    first = len(chat.channel.deliveries)
    for _ in range(3):
        await chat.say("bob", MY_APPROVALS)
    shown = deliveries_to(chat, "bob", first)
    retired = [card for updated, card in shown if updated]
    assert len(retired) == 3  # each time, the copy before is retired, once
    assert all(card.body == RETIRED and not card.buttons and "REQ-1" in card.title
               for card in retired)
    latest = next(card for updated, card in reversed(shown) if not updated)
    before = len(chat.channel.deliveries)
    await chat.click_action("bob", next(b.action_id for b in latest.buttons
                                        if b.label == "同意"))
    after = deliveries_to(chat, "bob", before)
    assert [updated for updated, _ in after] == [True]  # exactly one update: the live copy
    [(_, decided)] = after
    assert decided.body != RETIRED and "同意" not in [b.label for b in decided.buttons]
    live = next(d.ref for d in reversed(chat.channel.deliveries[:before])
                if d.user == "bob" and not d.updated and d.message == latest)
    assert [d.ref for d in chat.channel.deliveries[before:] if d.updated] == [live]


async def test_where_messages_cannot_be_edited_no_copy_is_sent_again(
    cannot_edit: ChatDriver,
) -> None:
    chat = cannot_edit
    await bob_sees_the_card_four_times(chat)
    assert not [d for d in chat.channel.deliveries if d.updated]
    assert RETIRED not in [m.body for m in chat.inbox("bob") if isinstance(m, Card)]
    latest = approval_cards(chat, "bob")[-1]
    before = len(chat.channel.deliveries)
    await chat.click_action("bob", next(b.action_id for b in latest.buttons
                                        if b.label == "同意"))
    cards = deliveries_to(chat, "bob", before)
    assert len(cards) == 1  # the live copy, sent anew once: not four times
    async with chat.app.db.unit_of_work() as uow:
        counts = await outbox.count_by_state(uow.session)
    assert counts["pending"] == counts["sending"] == counts["dead"] == 0
