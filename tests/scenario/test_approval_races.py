"""Two approvers tap Approve on the same any-one step at the same moment: exactly one decision
counts, on SQLite and on a real PostgreSQL server.

On PostgreSQL both turns are made to arrive together (a barrier just before they lock the
request), so without the row lock both approvals would be recorded. SQLite's write
transactions are exclusive from their first statement, so there the turns queue by design.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest

from bot.features.approvals import flow
from bot.testing import ChatDriver
from chat.events import ActionInvoked
from store import audit, requests
from tests.scenario.approval_steps import (
    approve_button,
    file_laptop,
    latest_card,
    request_row,
    seat_states,
    trail,
)
from tests.scenario.helpers import text_of

ROUNDS = 4


async def test_simultaneous_decisions_on_an_any_step_record_exactly_one(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = await ChatDriver.open(db_url)
    racing = {"on": False}
    if chat.app.db.dialect == "postgresql":
        _arrive_together(monkeypatch, racing)
    try:
        for number in range(1, ROUNDS + 1):
            await _race_once(chat, number, racing)
        async with chat.app.db.unit_of_work() as uow:
            assert (await audit.verify(uow.session)).ok
    finally:
        await chat.close()


async def _race_once(chat: ChatDriver, number: int, racing: dict[str, bool]) -> None:
    rid = f"REQ-{number}"
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    clicks = []
    for person in ("erin", "henry"):
        button = approve_button(latest_card(chat, person, rid))
        assert button is not None
        clicks.append(ActionInvoked(chat.key(person), secrets.token_hex(8), button.action_id))

    racing["on"] = True
    await asyncio.gather(*(chat.app.handle(click) for click in clicks))
    racing["on"] = False
    await chat.app.dispatcher.drain()

    states = await seat_states(chat, number)
    assert sorted([states[(2, "erin")], states[(2, "henry")]]) == ["approved", "retired"]
    winner, loser = ("erin", "henry") if states[(2, "erin")] == "approved" else ("henry", "erin")
    told = text_of(chat.last(loser))
    assert ("Erin Li" if winner == "erin" else "吴刚") in told  # who decided, no apology
    decisions = [e for e in await trail(chat, rid)
                 if e.action == "approval.approved" and e.data["step"] == 2]
    assert len(decisions) == 1
    assert (await request_row(chat, number)).status == "in_progress"
    completions = [e for e in await trail(chat, rid) if e.action == "approval.completed"]
    assert len(completions) == 1


def _arrive_together(monkeypatch: pytest.MonkeyPatch, racing: dict[str, bool]) -> None:
    barrier = asyncio.Barrier(2)
    lock_request = requests.lock_request

    async def after_both_arrived(session: Any, *, request_id: int) -> Any:
        if racing["on"]:
            await barrier.wait()
        return await lock_request(session, request_id=request_id)

    monkeypatch.setattr(flow.requests, "lock_request", after_both_arrived)
