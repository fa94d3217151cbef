"""The unit of work: one commit at the end, rollback on error, hooks only after a commit."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from store import inbound
from store.db import Database


class _Rollback(Exception):
    pass


async def _is_stored(db: Database, event_id: str, now: datetime) -> bool:
    """True if the event was already stored (probe, then roll the probe back)."""
    try:
        async with db.unit_of_work() as uow:
            fresh = await inbound.remember_event(uow.session, channel="t", event_id=event_id,
                                                 now=now)
            raise _Rollback(fresh)
    except _Rollback as probe:
        return not probe.args[0]


async def test_changes_commit_at_the_end_and_hooks_run_after(db: Database, now: datetime) -> None:
    calls: list[str] = []
    async with db.unit_of_work() as uow:
        uow.after_commit(lambda: calls.append("woken"))
        await inbound.remember_event(uow.session, channel="t", event_id="e1", now=now)
        assert calls == []
    assert calls == ["woken"]
    assert await _is_stored(db, "e1", now)


async def test_an_exception_rolls_back_and_skips_the_hooks(db: Database, now: datetime) -> None:
    calls: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            uow.after_commit(lambda: calls.append("woken"))
            await inbound.remember_event(uow.session, channel="t", event_id="e1", now=now)
            raise RuntimeError("handler bug")
    assert calls == []
    assert not await _is_stored(db, "e1", now)


async def test_a_failing_hook_does_not_undo_the_commit_or_stop_other_hooks(
    db: Database, now: datetime
) -> None:
    calls: list[str] = []

    def broken() -> None:
        raise ValueError("hook bug")

    async with db.unit_of_work() as uow:
        uow.after_commit(broken)
        uow.after_commit(lambda: calls.append("second"))
        await inbound.remember_event(uow.session, channel="t", event_id="e1", now=now)
    assert calls == ["second"]
    assert await _is_stored(db, "e1", now)


async def test_the_session_is_only_there_inside_the_block(db: Database) -> None:
    uow = db.unit_of_work()
    with pytest.raises(RuntimeError):
        _ = uow.session


async def test_conversation_locks_serialize_turns_of_one_conversation(
    db: Database, now: datetime
) -> None:
    order: list[str] = []
    a_holds_the_lock = asyncio.Event()

    async def turn(name: str) -> None:
        if name == "b":
            await a_holds_the_lock.wait()
        async with db.unit_of_work() as uow:
            await uow.lock_conversation("slack:T1:C1:U1")
            await inbound.remember_event(uow.session, channel="t", event_id=name, now=now)
            order.append(f"{name} in")
            if name == "a":
                a_holds_the_lock.set()
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(turn("a"), turn("b"))
    assert order == ["a in", "a out", "b in", "b out"]
