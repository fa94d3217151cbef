"""The inbox: every inbound event is a row before the platform is answered.

``take_in`` writes the row (the neutral event, serialised) in a short transaction of its own
(``Intake``: shared by the events that arrive together); the primary key (channel, event_id)
is the dedupe, so a redelivery finds the row and is answered without a second turn (one of a
row not yet processed is processed, once). A turn is the processing of a row:
``mark_processed`` runs in the turn's unit of work, so a turn that never commits (a crash, a
failed write) leaves the row unprocessed.

Unprocessed rows older than a grace are recovered (``claim_stale``): on start and periodically,
by whichever process has the row's channel. A claim takes, per conversation, only the oldest
unprocessed row (the next one is held back until it is processed), under a lease; PostgreSQL
claims with ``FOR UPDATE SKIP LOCKED`` so replicas take disjoint rows. ``mark_processed`` is
``UPDATE ... WHERE processed_at IS NULL``: whoever commits it first did the turn; another
process racing it (a late live turn, a second replica) waits for the row lock and then finds
it processed. Pruning (processed rows only) is ``store.inbound.prune_events``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, bindparam, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived, MessageRef
from store.dialect import dialect_of
from store.models import InboundEventRow
from store.uow import SessionSource, UnitOfWork

INBOX = cast(Table, InboundEventRow.__table__)  # type: ignore[attr-defined]
_TAKE_IN = {  # built once per dialect: every inbound event runs it
    "postgresql": postgresql_insert(INBOX).on_conflict_do_nothing(
        index_elements=["channel", "event_id"]),
    "sqlite": sqlite_insert(INBOX).on_conflict_do_nothing(
        index_elements=["channel", "event_id"]),
}
_MARK_PROCESSED = (
    update(INBOX)
    .where(INBOX.c.channel == bindparam("ch"), INBOX.c.event_id == bindparam("eid"),
           INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"), lease_owner=None, lease_until=None)
)


_UNPROCESSED = select(INBOX.c.processed_at.is_(None)).where(
    INBOX.c.channel == bindparam("ch"), INBOX.c.event_id == bindparam("eid"))


@dataclass(frozen=True, slots=True)
class Stale:
    """An unprocessed row claimed for recovery: its event, and how often it was tried."""

    event: InboundEvent
    attempts: int


async def take_in(session: AsyncSession, event: InboundEvent, *, now: datetime) -> bool:
    """Write ``event`` unprocessed; True when it is to be processed: the first time, or again
    while its row is still unprocessed (the platform got an error although the write went
    through; processing is once anyway: ``mark_processed``). False for a redelivery of an
    event already processed (on any replica)."""
    values = {"channel": event.key.channel, "event_id": event.event_id, "received_at": now,
              "lock_id": event.key.lock_id, "payload": event_to_dict(event),
              "processed_at": None, "attempts": 0}
    result = cast(CursorResult[Any], await session.execute(_TAKE_IN[dialect_of(session)],
                                                           values))
    if result.rowcount == 1:
        return True
    unprocessed = await session.scalar(_UNPROCESSED, {"ch": event.key.channel,
                                                      "eid": event.event_id})
    return bool(unprocessed)


class Intake:
    """``take_in`` for events that arrive together: those that came while the previous write
    waited for the database (SQLite's one writer, busy with a turn) go in one transaction, so
    an event costs one INSERT rather than a transaction of its own. Each caller learns its own
    answer (new or a redelivery), or the write's exception."""

    def __init__(self, db: SessionSource, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock
        self._waiting: list[tuple[InboundEvent, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def take_in(self, event: InboundEvent) -> bool:
        """True the first time ``event`` is written, False for a redelivery; raises when the
        write failed. A caller that stops waiting (a timeout) does not stop the write."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._waiting.append((event, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await asyncio.shield(future)

    async def _write(self) -> None:
        while self._waiting:
            batch: list[tuple[InboundEvent, asyncio.Future[bool]]] = []
            try:
                async with UnitOfWork(self._db) as uow:
                    batch, self._waiting = self._waiting, []  # all that came while we waited
                    now = self._clock()
                    fresh = [await take_in(uow.session, event, now=now) for event, _ in batch]
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), new in zip(batch, fresh, strict=True):
                if not future.done():
                    future.set_result(new)


def _retrieved(future: asyncio.Future[bool]) -> None:
    """A waiter that gave up leaves its future unread: read it, or asyncio logs it."""
    if not future.cancelled():
        future.exception()


async def mark_processed(
    session: AsyncSession, *, channel: str, event_id: str, now: datetime
) -> bool:
    """Mark the row processed in the caller's transaction; False when it already was (or
    there is no unprocessed row: the turn must not run)."""
    result = cast(CursorResult[Any], await session.execute(
        _MARK_PROCESSED, {"ch": channel, "eid": event_id, "now": now}))
    return result.rowcount == 1


def _claim_query() -> Any:
    earlier = INBOX.alias("earlier")
    held_back = exists().where(
        earlier.c.lock_id == INBOX.c.lock_id,
        earlier.c.processed_at.is_(None),
        or_(earlier.c.received_at < INBOX.c.received_at,
            and_(earlier.c.received_at == INBOX.c.received_at,
                 earlier.c.event_id < INBOX.c.event_id)),
    )
    return (
        select(INBOX.c.channel, INBOX.c.event_id, INBOX.c.payload, INBOX.c.attempts)
        .where(INBOX.c.processed_at.is_(None),
               INBOX.c.received_at <= bindparam("older_than"),
               or_(INBOX.c.lease_until.is_(None), INBOX.c.lease_until <= bindparam("now")),
               INBOX.c.channel.in_(bindparam("channels", expanding=True)),
               ~held_back)
        .order_by(INBOX.c.received_at, INBOX.c.event_id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True, of=INBOX)
    )


_CLAIM = _claim_query()
_LEASE = (
    update(INBOX)
    .where(INBOX.c.channel == bindparam("ch"), INBOX.c.event_id == bindparam("eid"))
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until"),
            attempts=INBOX.c.attempts + 1)
)


async def claim_stale(
    session: AsyncSession, *, now: datetime, grace_seconds: float, owner: str,
    lease_seconds: float, limit: int, channels: Collection[str],
) -> list[Stale]:
    """Lease up to ``limit`` unprocessed rows received at least ``grace_seconds`` ago, oldest
    first, the first in line of each conversation only, for ``channels``."""
    if not channels:
        return []
    params = {"now": now, "older_than": now - timedelta(seconds=grace_seconds),
              "limit": limit, "channels": sorted(channels)}
    rows = list((await session.execute(_CLAIM, params)).all())
    if not rows:
        return []
    until = now + timedelta(seconds=lease_seconds)
    await session.execute(_LEASE, [{"ch": r.channel, "eid": r.event_id, "owner": owner,
                                    "until": until} for r in rows])
    return [Stale(event_from_dict(r.payload), r.attempts + 1) for r in rows if r.payload]


# --- the event, as a row keeps it -------------------------------------------------------------


def event_to_dict(event: InboundEvent) -> dict[str, Any]:
    """The neutral event as plain JSON (``event_from_dict`` reads it back)."""
    data: dict[str, Any] = {
        "kind": "click" if isinstance(event, ActionInvoked) else "message",
        "key": event.key.as_dict(), "event_id": event.event_id, "text": event.text,
        "received_at": event.received_at.isoformat() if event.received_at else None,
    }
    if isinstance(event, ActionInvoked):
        data["action_id"] = event.action_id
        data["value"] = event.value
        data["source"] = event.source.as_dict() if event.source else None
    return data


def event_from_dict(data: dict[str, Any]) -> InboundEvent:
    key = ConversationKey.from_dict(data["key"])
    received = data.get("received_at")
    received_at = datetime.fromisoformat(received) if received else None
    if data.get("kind") == "click":
        source = data.get("source")
        return ActionInvoked(key=key, event_id=str(data["event_id"]),
                             action_id=str(data["action_id"]), value=str(data.get("value") or ""),
                             source=MessageRef.from_dict(source) if source else None,
                             received_at=received_at, text=str(data.get("text") or ""))
    return MessageReceived(key=key, event_id=str(data["event_id"]), text=str(data["text"]),
                           received_at=received_at)
