"""Single sign-on states on both dialects: spent once (also by two callbacks at once), told
apart from the unknown, forgotten a while after they expired."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from store import sso_states
from store.db import Database
from store.sso_states import SsoState


def _state(now: datetime) -> SsoState:
    return SsoState(platform="wecom", browser_hash="b" * 64, nonce="n-1",
                    next_path="/console/requests", expires_at=now + timedelta(minutes=10))


async def test_a_state_is_spent_once_and_remembered_as_spent(db: Database, now: datetime
                                                             ) -> None:
    async with db.unit_of_work() as uow:
        await sso_states.add(uow.session, "h-1", _state(now), now=now)
    async with db.unit_of_work() as uow:
        spent = await sso_states.spend(uow.session, "h-1", now=now)
    assert spent == _state(now)
    async with db.unit_of_work() as uow:
        assert await sso_states.spend(uow.session, "h-1", now=now) is None
        assert await sso_states.was_spent(uow.session, "h-1")
        assert not await sso_states.was_spent(uow.session, "never-issued")


async def test_two_callbacks_with_one_state_sign_in_once(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        await sso_states.add(uow.session, "h-2", _state(now), now=now)

    async def callback() -> SsoState | None:
        async with db.unit_of_work() as uow:
            return await sso_states.spend(uow.session, "h-2", now=now)

    results = await asyncio.gather(callback(), callback())
    assert sorted(result is not None for result in results) == [False, True]


async def test_expired_states_are_pruned(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        await sso_states.add(uow.session, "old", _state(now - timedelta(days=2)), now=now)
        await sso_states.add(uow.session, "new", _state(now), now=now)
    async with db.unit_of_work() as uow:
        assert await sso_states.prune(uow.session, before=now - timedelta(days=1)) == 1
    async with db.unit_of_work() as uow:
        assert await sso_states.spend(uow.session, "new", now=now) is not None
