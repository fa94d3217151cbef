"""Dialog state: save, load, replace (version goes up), delete, find the expired ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from store import dialogs
from store.db import Database

LOCK = "slack:T1:@U1:U1"


async def _save(db: Database, now: datetime, state: dict[str, object], *, lock: str = LOCK,
                minutes: int = 30) -> None:
    async with db.unit_of_work() as uow:
        await dialogs.save_dialog(uow.session, lock_id=lock, person="alice", channel="slack",
                                  state=state, now=now,
                                  expires_at=now + timedelta(minutes=minutes))


async def test_saved_state_loads_back(db: Database, now: datetime) -> None:
    await _save(db, now, {"kind": "form", "answers": {"model": "X1"}, "步骤": 2})
    async with db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=LOCK)
    assert row is not None
    assert row.state == {"kind": "form", "answers": {"model": "X1"}, "步骤": 2}
    assert (row.person, row.channel, row.version) == ("alice", "slack", 1)
    assert row.updated_at == now and row.expires_at == now + timedelta(minutes=30)


async def test_saving_again_replaces_the_state_and_bumps_the_version(
    db: Database, now: datetime
) -> None:
    await _save(db, now, {"step": 1})
    await _save(db, now + timedelta(minutes=1), {"step": 2})
    async with db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=LOCK)
    assert row is not None
    assert (row.state, row.version) == ({"step": 2}, 2)


async def test_load_delete_save_in_one_turn(db: Database, now: datetime) -> None:
    await _save(db, now, {"step": 1})
    async with db.unit_of_work() as uow:
        assert await dialogs.load_dialog(uow.session, lock_id=LOCK) is not None
        await dialogs.delete_dialog(uow.session, lock_id=LOCK)
        assert await dialogs.load_dialog(uow.session, lock_id=LOCK) is None
        await dialogs.save_dialog(uow.session, lock_id=LOCK, person="alice", channel="slack",
                                  state={"kind": "done"}, now=now, expires_at=now)
    async with db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=LOCK)
    assert row is not None and row.state == {"kind": "done"} and row.version == 1


async def test_deleting_a_missing_dialog_is_fine(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await dialogs.delete_dialog(uow.session, lock_id="nobody")


async def test_expired_dialogs_are_found_oldest_first(db: Database, now: datetime) -> None:
    await _save(db, now, {}, lock="a", minutes=10)
    await _save(db, now, {}, lock="b", minutes=5)
    await _save(db, now, {}, lock="c", minutes=60)
    async with db.unit_of_work() as uow:
        expired = await dialogs.expired_dialogs(uow.session, now=now + timedelta(minutes=10),
                                                limit=10)
        first = await dialogs.expired_dialogs(uow.session, now=now + timedelta(hours=2), limit=1)
    assert [row.lock_id for row in expired] == ["b", "a"]
    assert [row.lock_id for row in first] == ["b"]


async def test_saving_twice_in_one_turn_keeps_the_latest_answers(
    db: Database, now: datetime
) -> None:
    """A save is one upsert: the row a turn loaded before saving is never written back."""
    form = {"kind": "form", "service_id": "it.laptop", "answers": {"budget": 800}}
    await _save(db, now, form)
    async with db.unit_of_work() as uow:
        loaded = await dialogs.load_dialog(uow.session, lock_id=LOCK)
        assert loaded is not None and loaded.version == 1
        more = {**form, "answers": {"budget": 800, "model": "std"}}
        await dialogs.save_dialog(uow.session, lock_id=LOCK, person="alice", channel="slack",
                                  state=more, now=now, expires_at=now + timedelta(minutes=30))
        again = await dialogs.load_dialog(uow.session, lock_id=LOCK)
        assert again is not None and again.state["answers"] == {"budget": 800, "model": "std"}
        await dialogs.save_dialog(uow.session, lock_id=LOCK, person="bob", channel="wecom",
                                  state={**more, "answers": {**more["answers"], "reason": "坏了"}},
                                  now=now + timedelta(minutes=1),
                                  expires_at=now + timedelta(minutes=31))
    async with db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=LOCK)
    assert row is not None
    assert row.state["answers"] == {"budget": 800, "model": "std", "reason": "坏了"}
    assert (row.person, row.channel, row.version) == ("bob", "wecom", 3)
    assert row.updated_at == now + timedelta(minutes=1)
    assert row.expires_at == now + timedelta(minutes=31)


async def test_a_deleted_dialog_loads_as_none_even_while_its_row_is_held(
    db: Database, now: datetime
) -> None:
    await _save(db, now, {"step": 1})
    async with db.unit_of_work() as uow:
        held = await dialogs.load_dialog(uow.session, lock_id=LOCK)
        await dialogs.delete_dialog(uow.session, lock_id=LOCK)
        assert held is not None and await dialogs.load_dialog(uow.session, lock_id=LOCK) is None
