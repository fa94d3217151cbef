"""Timers: rows that say "do this at that moment", written in the turn that causes them.

A sweeper claims due timers under a lease (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so replicas
take disjoint timers; SQLite: one sweeper at a time, the holder of a leader lease), fires each
in its own transaction and marks it done there, only if it still holds the claim. A timer whose
sweeper died is claimed again once the lease ran out. Timers are cancelled, never deleted.

Every function only flushes; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import TIMER_STATES, LeaseRow, TimerRow

WAITING = ("pending", "claimed")  # not yet fired, cancelled or dead


async def schedule(
    session: AsyncSession,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    now: datetime,
    recipient: str | None = None,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    replace: bool = False,
) -> TimerRow | None:
    """Add a pending timer of ``kind`` about ``subject``, due at ``due_at``; returns it.

    ``replace``: the pending timers of the same kind and subject are cancelled (only when the
    new one is added). ``dedupe_key``: when a timer with this key exists (in any state) nothing
    happens and None is returned; the surrounding transaction goes on unharmed (the insert is
    ``ON CONFLICT DO NOTHING``), also when two replicas race.
    """
    values = {
        "kind": kind, "subject": subject, "recipient": recipient,
        "payload": dict(payload or {}), "due_at": due_at, "state": "pending",
        "dedupe_key": dedupe_key, "attempts": 0, "created_at": now,
    }
    insert = postgresql_insert if dialect_of(session) == "postgresql" else sqlite_insert
    statement = (insert(TimerRow).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(col(TimerRow.id)))
    timer_id = (await session.execute(statement)).scalar_one_or_none()
    if timer_id is None:
        return None
    if replace:
        await _set_state(session, "cancelled", col(TimerRow.kind) == kind,
                         col(TimerRow.subject) == subject, col(TimerRow.state) == "pending",
                         col(TimerRow.id) != timer_id)
    return await session.get(TimerRow, timer_id)


async def cancel(
    session: AsyncSession,
    *,
    subject: str,
    now: datetime,
    kinds: Sequence[str] | None = None,
) -> int:
    """Cancel the pending timers about ``subject`` (of ``kinds`` only, if given); how many.

    A claimed timer is being fired right now and is left alone: its handler re-checks the
    subject. ``now`` is the moment of the cancellation (kept for the audit of the caller).
    """
    conditions = [col(TimerRow.subject) == subject, col(TimerRow.state) == "pending"]
    if kinds is not None:
        if not kinds:
            return 0
        conditions.append(col(TimerRow.kind).in_(list(kinds)))
    return await _set_state(session, "cancelled", *conditions)


async def claim_due(
    session: AsyncSession, *, now: datetime, owner: str, lease_seconds: float, limit: int
) -> list[TimerRow]:
    """Take up to ``limit`` due timers, the longest due first, for ``owner`` under a lease.

    Due: pending with ``due_at <= now`` (and past a failed attempt's retry moment), or claimed
    by a sweeper whose lease ran out. Each becomes ``claimed`` with ``attempts`` + 1.
    """
    due = and_(
        col(TimerRow.state).in_(WAITING),
        col(TimerRow.due_at) <= now,
        or_(col(TimerRow.lease_until).is_(None), col(TimerRow.lease_until) <= now),
    )
    query = (select(TimerRow).where(due).order_by(col(TimerRow.due_at), col(TimerRow.id))
             .limit(limit).with_for_update(skip_locked=True))
    timers = list(await session.scalars(query))
    lease_until = now + timedelta(seconds=lease_seconds)
    for timer in timers:
        timer.state = "claimed"
        timer.lease_owner = owner
        timer.lease_until = lease_until
        timer.attempts += 1
    await session.flush()
    return timers


async def lock_claimed(session: AsyncSession, *, timer_id: int, owner: str) -> TimerRow | None:
    """The timer, read afresh and row-locked (PostgreSQL), if ``owner`` still holds its claim.

    None when it was taken over (its lease ran out and another sweeper claimed it), finished,
    cancelled or is gone. The lock keeps other sweepers off it until this transaction ends.
    """
    query = (select(TimerRow).where(col(TimerRow.id) == timer_id)
             .with_for_update().execution_options(populate_existing=True))
    timer = (await session.scalars(query)).one_or_none()
    if timer is None or timer.state != "claimed" or timer.lease_owner != owner:
        return None
    return timer


async def finish(session: AsyncSession, *, timer: TimerRow, owner: str, now: datetime) -> bool:
    """Mark ``timer`` done, fired at ``now``, if ``owner`` still holds its claim.

    False when it does not (another sweeper took it over): the caller must roll back what it
    did for this timer.
    """
    changed = await _set_state(session, "done", col(TimerRow.id) == timer.id,
                               col(TimerRow.state) == "claimed",
                               col(TimerRow.lease_owner) == owner,
                               fired_at=now, lease_owner=None, lease_until=None)
    return changed == 1


async def release_failed(
    session: AsyncSession,
    *,
    timer_id: int,
    owner: str,
    now: datetime,
    error: str,
    retry_at: datetime | None,
) -> None:
    """After a failed firing: back to pending, not claimed before ``retry_at``; or ``dead``.

    The timer keeps its ``due_at`` (so a late firing still knows how late it is); the retry
    moment is held in ``lease_until``. Nothing happens if ``owner`` no longer holds the claim.
    """
    common: dict[str, Any] = {"last_error": error, "lease_owner": None}
    mine = (col(TimerRow.id) == timer_id, col(TimerRow.state) == "claimed",
            col(TimerRow.lease_owner) == owner)
    if retry_at is None:
        await _set_state(session, "dead", *mine, lease_until=None, **common)
    else:
        await _set_state(session, "pending", *mine, lease_until=max(retry_at, now), **common)


async def pending_for(
    session: AsyncSession, *, kind: str, recipient: str, due_before: datetime
) -> list[TimerRow]:
    """Pending timers of ``kind`` for ``recipient`` due at or before ``due_before``, in order.

    For coalescing: a handler that tells a person about one thing can tell them about the
    others due soon in the same message, then ``complete_many`` them.
    """
    query = (select(TimerRow)
             .where(col(TimerRow.kind) == kind, col(TimerRow.recipient) == recipient,
                    col(TimerRow.state) == "pending", col(TimerRow.due_at) <= due_before)
             .order_by(col(TimerRow.due_at), col(TimerRow.id)))
    return list(await session.scalars(query))


async def complete_many(session: AsyncSession, *, timer_ids: Sequence[int], now: datetime) -> int:
    """Mark pending or claimed timers done, fired at ``now`` (coalesced into another's message).

    Returns how many changed. A claimed one's sweeper then finds it done and leaves it.
    """
    if not timer_ids:
        return 0
    return await _set_state(session, "done", col(TimerRow.id).in_(list(timer_ids)),
                            col(TimerRow.state).in_(WAITING),
                            fired_at=now, lease_owner=None, lease_until=None)


async def pending_of(session: AsyncSession, *, subject: str) -> list[TimerRow]:
    """The pending timers about ``subject``, soonest first."""
    query = (select(TimerRow)
             .where(col(TimerRow.subject) == subject, col(TimerRow.state) == "pending")
             .order_by(col(TimerRow.due_at), col(TimerRow.id)))
    return list(await session.scalars(query))


async def reschedule(session: AsyncSession, *, timer: TimerRow, due_at: datetime) -> None:
    """Move a pending timer to ``due_at`` (a recomputed SLA, the end of quiet hours).

    A handler may also move the claimed timer it is firing: it goes back to pending (with its
    attempts reset) and the sweeper does not mark it done. Raises ``ValueError`` for a timer
    that already fired, was cancelled or is dead.
    """
    if timer.state not in WAITING:
        raise ValueError(f"timer {timer.id} is {timer.state}; only a waiting one is rescheduled")
    timer.due_at = due_at
    timer.state = "pending"
    timer.lease_owner = None
    timer.lease_until = None
    timer.attempts = 0
    session.add(timer)
    await session.flush()


async def get(session: AsyncSession, *, timer_id: int) -> TimerRow | None:
    """The timer with this id, as stored now."""
    return await session.get(TimerRow, timer_id, populate_existing=True)


async def acquire_lease(
    session: AsyncSession, *, name: str, owner: str, now: datetime, seconds: float
) -> bool:
    """Take or renew the lease ``name`` for ``owner`` until ``now + seconds``; True if held.

    Taken when nobody holds it, when its holder let it run out, or renewed when ``owner``
    holds it already. One atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... WHERE``), so
    of several processes asking at once exactly one gets it.
    """
    insert = postgresql_insert if dialect_of(session) == "postgresql" else sqlite_insert
    proposed = insert(LeaseRow).values(name=name, owner=owner,
                                       until=now + timedelta(seconds=seconds))
    upsert = proposed.on_conflict_do_update(
        index_elements=["name"],
        set_={"owner": proposed.excluded.owner, "until": proposed.excluded.until},
        where=or_(col(LeaseRow.until) <= now, col(LeaseRow.owner) == owner),
    ).returning(col(LeaseRow.owner))
    holder = (await session.execute(upsert)).scalar_one_or_none()
    return holder == owner


async def release_lease(session: AsyncSession, *, name: str, owner: str, now: datetime) -> bool:
    """Give up the lease ``name`` if ``owner`` holds it (it ends ``now``); True if it did."""
    result = await session.execute(
        update(LeaseRow).where(col(LeaseRow.name) == name, col(LeaseRow.owner) == owner)
        .values(until=now).execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


async def _set_state(session: AsyncSession, state: str, *conditions: Any, **values: Any) -> int:
    assert state in TIMER_STATES
    result = await session.execute(
        update(TimerRow).where(*conditions).values(state=state, **values)
        .execution_options(synchronize_session="evaluate"))
    return cast(CursorResult[Any], result).rowcount
