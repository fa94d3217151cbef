"""The audit trail: a hash chain that proves nothing was changed or removed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from store import audit
from store.db import Database


async def _append(db: Database, now: datetime, n: int, subject: str = "REQ-1") -> None:
    async with db.unit_of_work() as uow:
        await audit.append(uow.session, actor="alice", action="request.commented",
                           subject=subject, data={"n": n, "text": "预算 8千", "tags": ("a",)},
                           now=now + timedelta(seconds=n))


async def _verify(db: Database, batch_size: int = audit.VERIFY_BATCH) -> audit.AuditVerification:
    async with db.unit_of_work() as uow:
        return await audit.verify(uow.session, batch_size=batch_size)


async def _chain(db: Database, now: datetime, length: int) -> None:
    for n in range(1, length + 1):
        await _append(db, now, n)


async def test_an_empty_trail_verifies(db: Database) -> None:
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=0)


async def test_events_are_chained_from_64_zeros(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        first = await audit.append(uow.session, actor="alice", action="request.submitted",
                                   subject="REQ-1", data={"service": "it.laptop"}, now=now)
        second = await audit.append(uow.session, actor="bob", action="approval.approved",
                                    subject="REQ-1", data={}, now=now, on_behalf_of="carol")
    assert (first.seq, first.prev_hash) == (1, "0" * 64)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert len(first.hash) == 64 and first.hash != second.hash


async def test_an_untouched_trail_verifies_across_batches(db: Database, now: datetime) -> None:
    await _chain(db, now, 7)
    assert await _verify(db, batch_size=3) == audit.AuditVerification(ok=True, checked=7)
    assert await _verify(db, batch_size=7) == audit.AuditVerification(ok=True, checked=7)


async def test_a_changed_row_is_named(db: Database, now: datetime) -> None:
    await _chain(db, now, 5)
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE audit_event SET data = :data WHERE seq = 3"),
                           {"data": '{"n": 3, "text": "预算 1千", "tags": ["a"]}'})
    result = await _verify(db, batch_size=2)
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 2, 3)
    assert result.reason is not None and "changed" in result.reason


async def test_a_changed_actor_is_named(db: Database, now: datetime) -> None:
    await _chain(db, now, 3)
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1"))
    result = await _verify(db)
    assert (result.ok, result.first_bad_seq) == (False, 1)


async def test_a_removed_row_is_named(db: Database, now: datetime) -> None:
    await _chain(db, now, 5)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    result = await _verify(db)
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 2, 3)
    assert result.reason is not None and "removed" in result.reason and "3" in result.reason


async def test_a_removed_and_renumbered_row_is_caught_by_the_chain(
    db: Database, now: datetime
) -> None:
    await _chain(db, now, 4)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        await conn.execute(text("UPDATE audit_event SET seq = seq - 1 WHERE seq > 2"))
    result = await _verify(db)
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.reason is not None and "prev_hash" in result.reason


async def test_removing_the_first_row_is_caught(db: Database, now: datetime) -> None:
    await _chain(db, now, 3)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_event WHERE seq = 1"))
    result = await _verify(db)
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 0, 1)


async def test_a_rolled_back_append_leaves_no_gap(db: Database, now: datetime) -> None:
    await _append(db, now, 1)
    try:
        async with db.unit_of_work() as uow:
            await audit.append(uow.session, actor="a", action="x", subject="s", data={}, now=now)
            raise RuntimeError("turn failed")
    except RuntimeError:
        pass
    await _append(db, now, 2)
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=2)


async def test_concurrent_appends_keep_one_valid_chain(db: Database, now: datetime) -> None:
    await asyncio.gather(*(_append(db, now, n, subject=f"REQ-{n}") for n in range(1, 21)))
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=20)


async def test_a_naive_time_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        async with db.unit_of_work() as uow:
            await audit.append(uow.session, actor="a", action="x", subject="s", data={},
                               now=datetime(2026, 1, 1))


async def test_events_for_a_subject_come_oldest_first(db: Database, now: datetime) -> None:
    await _append(db, now, 1, subject="REQ-1")
    await _append(db, now, 2, subject="REQ-2")
    await _append(db, now, 3, subject="REQ-1")
    async with db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject="REQ-1")
    assert [e.data["n"] for e in events] == [1, 3]
    assert events[0].data["tags"] == ["a"]
    assert events[0].at == now + timedelta(seconds=1)


async def test_appends_of_one_turn_chain_on_from_each_other(db: Database, now: datetime) -> None:
    """The head is read once per transaction; the later appends chain on in memory."""
    await _chain(db, now, 2)
    async with db.unit_of_work() as uow:
        rows = [await audit.append(uow.session, actor="bob", action=f"step.{n}",
                                   subject="REQ-1", data={"n": n}, now=now) for n in range(3)]
    assert [r.seq for r in rows] == [3, 4, 5]
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:2]]
    await _chain(db, now, 1)
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=6)


async def test_a_session_reads_the_head_again_after_commit_and_rollback(
    db: Database, now: datetime
) -> None:
    """One session over several transactions, with another writer in between."""
    async with db.session() as session:
        await audit.append(session, actor="a", action="x", subject="s", data={}, now=now)
        await session.commit()
        await _append(db, now, 1)  # someone else appends meanwhile
        await audit.append(session, actor="a", action="y", subject="s", data={}, now=now)
        await session.rollback()
        await _append(db, now, 2)
        third = await audit.append(session, actor="a", action="z", subject="s", data={},
                                   now=now)
        await session.commit()
    assert third.seq == 4
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=4)


async def test_a_rolled_back_savepoint_does_not_leave_the_chain_ahead(
    db: Database, now: datetime
) -> None:
    async with db.unit_of_work() as uow:
        await audit.append(uow.session, actor="a", action="x", subject="s", data={}, now=now)
        savepoint = await uow.session.begin_nested()
        await audit.append(uow.session, actor="a", action="y", subject="s", data={}, now=now)
        await savepoint.rollback()
        after = await audit.append(uow.session, actor="a", action="z", subject="s", data={},
                                   now=now)
    assert after.seq == 2
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=2)


async def test_concurrent_turns_of_several_appends_keep_one_valid_chain(
    db: Database, now: datetime
) -> None:
    async def turn(n: int) -> None:
        async with db.unit_of_work() as uow:
            for k in range(3):
                await audit.append(uow.session, actor="a", action=f"turn.{n}.{k}",
                                   subject=f"REQ-{n}", data={"k": k}, now=now)
                await asyncio.sleep(0)  # let the other turns run in between

    await asyncio.gather(*(turn(n) for n in range(1, 11)))
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=30)
    async with db.unit_of_work() as uow:
        for n in (1, 7):
            events = await audit.events_for(uow.session, subject=f"REQ-{n}")
            assert [e.seq - events[0].seq for e in events] == [0, 1, 2]  # a turn's run is whole


async def test_trail_of_reads_what_events_for_reads_without_rows(db: Database) -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        for action, subject in (("a", "REQ-1"), ("b", "REQ-2"), ("c", "REQ-1")):
            returned = await audit.append(uow.session, actor="x", action=action,
                                          subject=subject, data={"n": [1, action]}, now=now)
            assert returned.hash == audit.event_hash(returned)
    async with db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject="REQ-1")
        trail = await audit.trail_of(uow.session, subject="REQ-1")
        assert (await audit.verify(uow.session)).ok
    assert trail == [(e.at, e.action, e.data) for e in events]
    assert [action for _at, action, _data in trail] == ["a", "c"]


async def test_the_trail_of_a_new_subject_is_what_a_read_gives_even_across_a_savepoint(
    db: Database,
) -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        await audit.append(uow.session, actor="x", action="old", subject="REQ-7", data={},
                           now=now)
    async with db.unit_of_work() as uow:
        audit.new_subject(uow.session, subject="REQ-8")
        for action in ("a", "b"):
            for subject in ("REQ-7", "REQ-8"):
                await audit.append(uow.session, actor="x", action=action, subject=subject,
                                   data={"t": (1, 2)}, now=now)
        held = await audit.trail_of(uow.session, subject="REQ-8")
        assert [a for _at, a, _d in await audit.trail_of(uow.session, subject="REQ-7")] == [
            "old", "a", "b"]  # not new: read from the database
        async with uow.session.begin_nested():
            await audit.append(uow.session, actor="x", action="c", subject="REQ-8", data={},
                               now=now)
        await audit.append(uow.session, actor="x", action="d", subject="REQ-8", data={},
                           now=now)
        after = await audit.trail_of(uow.session, subject="REQ-8")
    async with db.unit_of_work() as uow:
        read = await audit.trail_of(uow.session, subject="REQ-8")
        assert (await audit.verify(uow.session)).ok
    assert held == read[:2] and [a for _at, a, _d in held] == ["a", "b"]
    assert after == read and [a for _at, a, _d in read] == ["a", "b", "c", "d"]
    assert held[0][2] == {"t": [1, 2]}  # as it reads back


# --- the head: the chain must end where audit_head says ---------------------------------------


async def _head(db: Database) -> audit.ChainHead | None:
    async with db.unit_of_work() as uow:
        return await audit.head(uow.session)


async def test_the_head_follows_every_transaction(db: Database, now: datetime) -> None:
    assert await _head(db) == audit.ChainHead(0, audit.GENESIS_HASH, 0)
    await _chain(db, now, 3)
    async with db.unit_of_work() as uow:
        last = (await audit.events_for(uow.session, subject="REQ-1"))[-1]
    assert await _head(db) == audit.ChainHead(3, last.hash, 3)


async def test_the_head_is_written_once_per_transaction(db: Database, now: datetime) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with db.unit_of_work() as uow:
            for n in range(3):
                await audit.append(uow.session, actor="a", action="x", subject="REQ-1",
                                   data={"n": n}, now=now)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert sum("audit_head" in s for s in statements) == 1
    assert (await _head(db) or audit.ChainHead(0, "", 0)).seq == 3


async def test_the_head_is_read_again_when_the_last_appends_were_rolled_back(
    db: Database, now: datetime
) -> None:
    """The newest append of the turn was in a savepoint that failed: the head is the chain's."""
    async with db.unit_of_work() as uow:
        await audit.append(uow.session, actor="a", action="x", subject="s", data={}, now=now)
        with contextlib.suppress(RuntimeError):
            async with uow.session.begin_nested():
                for action in ("y", "z"):
                    await audit.append(uow.session, actor="a", action=action, subject="s",
                                       data={}, now=now)
                raise RuntimeError("this part of the turn failed")
    assert (await _head(db) or audit.ChainHead(0, "", 0)).seq == 1
    assert (await _verify(db)).ok


async def _tampered(db: Database, now: datetime, length: int, statement: str
                    ) -> audit.AuditVerification:
    """A chain of ``length`` events, then ``statement`` behind the trail's back, verified."""
    await _chain(db, now, length)
    async with db.engine.begin() as conn:
        await conn.execute(text(statement))
    return await _verify(db)


async def test_a_removed_newest_row_is_named_as_truncation(db: Database, now: datetime) -> None:
    result = await _tampered(db, now, 5, "DELETE FROM audit_event WHERE seq >= 4")
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 3, 4)
    assert result.reason == ("truncated: seq 4..5 removed (the chain ends at seq 3, its head "
                             "says 5)")


async def test_a_removed_head_row_is_named_and_written_again_by_the_next_append(
    db: Database, now: datetime
) -> None:
    result = await _tampered(db, now, 2, "DELETE FROM audit_head")
    assert not result.ok and result.reason is not None and "audit_head" in result.reason
    await _append(db, now, 3)
    assert await _verify(db) == audit.AuditVerification(ok=True, checked=3)


async def test_rows_added_past_the_head_are_named(db: Database, now: datetime) -> None:
    result = await _tampered(db, now, 2, "UPDATE audit_head SET seq = 1, count = 1")
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.reason is not None and "past the head" in result.reason


async def test_verify_from_a_later_seq_checks_that_part_and_the_end(
    db: Database, now: datetime
) -> None:
    await _chain(db, now, 6)
    assert await _verify_from(db, 4) == audit.AuditVerification(ok=True, checked=3)
    assert await _verify_from(db, 7) == audit.AuditVerification(ok=True, checked=0)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_event WHERE seq = 6"))
    assert (await _verify_from(db, 7)).first_bad_seq == 6
    assert (await _verify_from(db, 4)).reason == (
        "truncated: seq 6 removed (the chain ends at seq 5, its head says 6)")


async def _verify_from(db: Database, seq: int) -> audit.AuditVerification:
    async with db.unit_of_work() as uow:
        return await audit.verify(uow.session, from_seq=seq)


async def test_upgrading_computes_the_head_of_an_existing_chain(db_url: str) -> None:
    """A database at 0004 with events gets its head from them; no event is lost."""
    from sqlalchemy import insert

    from store import migrate
    from store.models import AuditEventRow

    db = await Database.open(db_url, migrate=False)
    try:
        async with db.engine.begin() as conn:  # back to 0004: as a database of yesterday
            await conn.run_sync(lambda c: migrate.command.downgrade(
                migrate.alembic_config(c), "0004"))
        prev, values = audit.GENESIS_HASH, []
        for seq in range(1, 4):
            event = {"seq": seq, "at": T0, "actor": "alice", "on_behalf_of": None,
                     "action": "request.commented", "subject": "REQ-1", "data": {"n": seq},
                     "prev_hash": prev}
            event["hash"] = prev = audit.hash_of(event)
            values.append(event)
        async with db.engine.begin() as conn:
            await conn.execute(insert(AuditEventRow.__table__), values)  # type: ignore[attr-defined]
        await migrate.upgrade(db.engine)
        assert await _head(db) == audit.ChainHead(3, prev, 3)
        assert await _verify(db) == audit.AuditVerification(ok=True, checked=3)
    finally:
        await db.close()


T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


SOURCE = {"channel": "slack", "event_id": "act:1700000300.000001:U01BOB", "user": "U01BOB"}


async def test_an_events_source_is_kept_and_covered_by_its_hash(db: Database, now: datetime
                                                                ) -> None:
    async with db.unit_of_work() as uow:
        await audit.append(uow.session, actor="bob", action="approval.step_approved",
                           subject="REQ-1", data={}, now=now, source=SOURCE)
        [event] = await audit.events_for(uow.session, subject="REQ-1")
    assert event.source == SOURCE
    async with db.engine.begin() as conn:  # the click is said to have come from elsewhere
        await conn.execute(text("UPDATE audit_event SET source = :source WHERE seq = 1"),
                           {"source": '{"channel": "cli"}'})
    result = await _verify(db)
    assert (result.ok, result.first_bad_seq) == (False, 1)


async def test_an_event_without_a_source_hashes_as_before_sources_existed(
        db: Database, now: datetime) -> None:
    """Rows written before the ``source`` column (None) keep their hashes: old chains verify."""
    async with db.unit_of_work() as uow:
        row = await audit.append(uow.session, actor="alice", action="request.submitted",
                                 subject="REQ-1", data={"n": 1}, now=now)
    content = {"seq": 1, "at": now.astimezone(UTC).isoformat(timespec="microseconds"),
               "actor": "alice", "on_behalf_of": None, "action": "request.submitted",
               "subject": "REQ-1", "data": {"n": 1}}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert row.hash == hashlib.sha256(("0" * 64 + canonical).encode()).hexdigest()
    assert (await _verify(db)).ok
