"""The unit of work: one commit at the end, rollback on error, hooks only after a commit."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from store import inbound
from store.db import Database
from tests.store.conftest import T0


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


async def test_on_sqlite_a_unit_of_work_inside_another_is_refused_not_deadlocked(
    tmp_path: Path,
) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.unit_of_work():
            with pytest.raises(RuntimeError, match="inside another one"):
                async with db.unit_of_work():
                    pass
        async with db.unit_of_work() as uow:  # the queue was released: the next one runs
            await inbound.remember_event(uow.session, channel="t", event_id="after", now=T0)
    finally:
        await db.close()


async def test_on_sqlite_many_simultaneous_turns_queue_and_all_commit(tmp_path: Path) -> None:
    """Regression: turns waiting in SQLite's busy handler held pooled connections, and under
    50 simultaneous conversations some ran out of connections and got an apology."""
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")

    async def turn(n: int) -> None:
        async with db.unit_of_work() as uow:
            await inbound.remember_event(uow.session, channel="t", event_id=str(n), now=T0)
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(turn(n) for n in range(200)))
        async with db.engine.connect() as conn:
            count = (await conn.exec_driver_sql("SELECT count(*) FROM inbound_event")).scalar()
    finally:
        await db.close()
    assert count == 200
