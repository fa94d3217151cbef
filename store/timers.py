"""Timers: rows that say "do this at that moment", written in the turn that causes them.

A sweeper claims due timers under a lease (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so replicas
take disjoint timers; SQLite: one sweeper at a time, the holder of a leader lease), then fires a
claimed batch in one transaction: it locks the batch (``lock_claimed_many``), runs the handlers
and marks done (``finish_many``) only the timers whose claim it still holds. A timer whose
sweeper died is claimed again once the lease ran out. Timers are cancelled, never deleted.

The statements a sweeper runs on every pass, and ``schedule`` (several times in a turn that
files a request), are built once with bind parameters: building a statement and its cache key
cost more than running it on SQLite.

Every function only flushes; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    BindParameter,
    CursorResult,
    Table,
    and_,
    bindparam,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from store import rows
from store.dialect import dialect_of
from store.models import TIMER_STATES, LeaseRow, TimerRow
from store.types import UtcDateTime

WAITING = ("pending", "claimed")  # not yet fired, cancelled or dead
NOT_CANCELLED = ("pending", "claimed", "done", "dead")

TIMER = cast(Table, TimerRow.__table__)  # type: ignore[attr-defined]
LEASE = cast(Table, LeaseRow.__table__)  # type: ignore[attr-defined]


class Claim(NamedTuple):
    """A timer just claimed: what a sweeper needs to know before it fires it."""

    id: int
    kind: str
    subject: str
    due_at: datetime
    attempts: int  # counting this one


def _insert_timer(insert: Any) -> Any:
    """``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`` for one dialect."""
    return (insert(TIMER).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(TIMER.c.id))


def _claim_statement() -> Any:
    """Claim up to ``limit`` due timers for ``owner`` until ``until``; parameter ``now``."""
    now: BindParameter[datetime] = bindparam("now", type_=UtcDateTime())
    due = and_(
        TIMER.c.state.in_(WAITING),
        TIMER.c.due_at <= now,
        or_(TIMER.c.lease_until.is_(None), TIMER.c.lease_until <= now),
    )
    chosen = (select(TIMER.c.id).where(due).order_by(TIMER.c.due_at, TIMER.c.id)
              .limit(bindparam("limit")).with_for_update(skip_locked=True))
    return (update(TIMER).where(TIMER.c.id.in_(chosen.scalar_subquery()))
            .values(state="claimed", lease_owner=bindparam("owner"),
                    lease_until=bindparam("until", type_=UtcDateTime()),
                    attempts=TIMER.c.attempts + 1)
            .returning(TIMER.c.id, TIMER.c.kind, TIMER.c.subject, TIMER.c.due_at,
                       TIMER.c.attempts))


def _upsert_lease(insert: Any) -> Any:
    """Take lease ``name`` for ``owner`` until ``until`` unless another holds it at ``now``."""
    proposed = insert(LEASE).values(name=bindparam("name"), owner=bindparam("owner"),
                                    until=bindparam("until", type_=UtcDateTime()))
    return proposed.on_conflict_do_update(
        index_elements=["name"],
        set_={"owner": proposed.excluded.owner, "until": proposed.excluded.until},
        where=or_(LEASE.c.until <= bindparam("now", type_=UtcDateTime()),
                  LEASE.c.owner == bindparam("owner")),
    ).returning(LEASE.c.owner)


_INSERT = {"sqlite": _insert_timer(sqlite_insert), "postgresql": _insert_timer(postgresql_insert)}
_CLAIM = _claim_statement()
_LOCK_CLAIMED = (select(TimerRow).where(col(TimerRow.id).in_(bindparam("ids", expanding=True)))
                 .order_by(col(TimerRow.id)).with_for_update()
                 .execution_options(populate_existing=True))
_FINISH = (update(TIMER)
           .where(TIMER.c.id.in_(bindparam("ids", expanding=True)),
                  TIMER.c.state == "claimed", TIMER.c.lease_owner == bindparam("owner"))
           .values(state="done", fired_at=bindparam("now", type_=UtcDateTime()),
                   lease_owner=None, lease_until=None))
_MOMENTS = (select(TIMER.c.subject, TIMER.c.kind, TIMER.c.state, TIMER.c.due_at)
            .where(TIMER.c.subject.in_(bindparam("subjects", expanding=True)),
                   TIMER.c.state.in_(NOT_CANCELLED))
            .order_by(TIMER.c.due_at, TIMER.c.id))
_UPSERT_LEASE = {"sqlite": _upsert_lease(sqlite_insert),
                 "postgresql": _upsert_lease(postgresql_insert)}


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

    One statement (two with ``replace``): the row comes back from what was inserted and the id
    the INSERT returned, and joins the session as if it had been read.
    """
    values: dict[str, Any] = {
        "kind": kind, "subject": subject, "recipient": recipient,
        "payload": dict(payload or {}), "due_at": due_at, "state": "pending",
        "dedupe_key": dedupe_key, "attempts": 0, "created_at": now,
    }
    inserted = await session.execute(_INSERT[dialect_of(session)], values)
    timer_id = inserted.scalar_one_or_none()
    if timer_id is None:
        return None
    if replace:
        await _set_state(session, "cancelled", col(TimerRow.kind) == kind,
                         col(TimerRow.subject) == subject, col(TimerRow.state) == "pending",
                         col(TimerRow.id) != timer_id)
    # as the store reads them back: in UTC (the INSERT refused a naive time already)
    values.update(id=timer_id, due_at=due_at.astimezone(UTC), created_at=now.astimezone(UTC))
    return rows.loaded(session, TimerRow, values)


def _update_copy(session: AsyncSession, timer_id: int, **values: Any) -> None:
    """Bring the session's copy of a timer (if it has one) in line with a Core UPDATE."""
    timer = session.identity_map.get(identity_key(TimerRow, timer_id))
    if timer is not None:
        for name, value in values.items():
            set_committed_value(timer, name, value)


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
) -> list[Claim]:
    """Take up to ``limit`` due timers, the longest due first, for ``owner`` under a lease.

    Due: pending with ``due_at <= now`` (and past a failed attempt's retry moment), or claimed
    by a sweeper whose lease ran out. Each becomes ``claimed`` with ``attempts`` + 1. One
    ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) RETURNING``: with
    nothing due (most passes) it is a single indexed look-up that writes nothing. The rows
    themselves are read when they are fired (``lock_claimed_many``).
    """
    await session.flush()  # a Core statement does not flush the session by itself
    until = now + timedelta(seconds=lease_seconds)
    result = await session.execute(_CLAIM, {"now": now, "owner": owner, "until": until,
                                            "limit": limit})
    claims = sorted((Claim(*row) for row in result), key=lambda claim: (claim.due_at, claim.id))
    for claim in claims:
        _update_copy(session, claim.id, state="claimed", lease_owner=owner, lease_until=until,
                     attempts=claim.attempts)
    return claims


async def lock_claimed_many(
    session: AsyncSession, *, timer_ids: Sequence[int], owner: str
) -> list[TimerRow]:
    """Of ``timer_ids``, those ``owner`` still holds the claim of, read afresh and row-locked.

    In the order of ``timer_ids``; the others (taken over by another sweeper once the lease ran
    out, finished, cancelled, gone) are left out. One statement for a whole batch, locking in
    id order so that two transactions never wait for each other the wrong way round. The
    locks (PostgreSQL) keep other sweepers off them until this transaction ends.
    """
    if not timer_ids:
        return []
    rows = await session.scalars(_LOCK_CLAIMED, {"ids": list(timer_ids)})
    held = {timer.id: timer for timer in rows
            if timer.state == "claimed" and timer.lease_owner == owner}
    return [held[timer_id] for timer_id in timer_ids if timer_id in held]


async def finish_many(
    session: AsyncSession, *, timers: Sequence[TimerRow], owner: str, now: datetime
) -> int:
    """Mark ``timers`` done, fired at ``now``, where ``owner`` still holds the claim; how many.

    One statement for a batch fired in one transaction. Fewer than ``len(timers)`` means some
    were taken over: the caller must roll back what it did for them (the session's copies are
    then left as they were; otherwise they say done, as the rows do).
    """
    if not timers:
        return 0
    await session.flush()  # a Core statement does not flush the session by itself
    result = await session.execute(_FINISH, {"ids": [timer.id for timer in timers],
                                             "owner": owner, "now": now})
    finished = cast(CursorResult[Any], result).rowcount
    if finished == len(timers):
        for timer in timers:
            _update_copy(session, timer.id or 0, state="done", fired_at=now, lease_owner=None,
                         lease_until=None)
    return finished


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


class Moment(NamedTuple):
    """What a resync needs to know of a timer: about what, what kind, its state, its moment."""

    subject: str
    kind: str
    state: str
    due_at: datetime


async def moments_of(session: AsyncSession, *, subjects: Collection[str]) -> list[Moment]:
    """Every timer about ``subjects`` that was not cancelled, soonest first, as ``Moment``s.

    Pending ones (to keep or replace) and claimed, done or dead ones (which fired, or tried to,
    for their moment): all that a resync needs to decide in memory what to write. One
    statement built once, no rows built: a resync runs it after nearly every turn.
    """
    if not subjects:
        return []
    return [Moment(*row) for row in await session.execute(
        _MOMENTS, {"subjects": sorted(subjects)})]


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
    holder = (await session.execute(_UPSERT_LEASE[dialect_of(session)], {
        "name": name, "owner": owner, "until": now + timedelta(seconds=seconds), "now": now,
    })).scalar_one_or_none()
    return bool(holder == owner)


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
