"""The transactional outbox: messages queued inside a turn, sent after its commit.

A dispatcher claims due rows with a lease (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so replicas
take disjoint rows; SQLite: the ``BEGIN IMMEDIATE`` transaction already excludes other writers).
A row whose lease ran out (its sender crashed) is claimed again. Failed sends go back to
``pending`` with a later ``next_attempt_at``, or to ``dead`` when they should not be retried.

Rows to one recipient conversation (``recipient_key``) go out in the order they were queued: a
row is not claimed while an earlier one to the same recipient is still pending or sending, so a
failed send holds back what follows it, and only it. A dispatcher claims only rows for the
channels it has; the others wait for the process that has them (the terminal, another replica).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from store.models import OUTBOX_STATES, OutboxRow

KINDS = ("send", "update")


async def enqueue(
    session: AsyncSession,
    *,
    recipient: dict[str, Any],
    message: dict[str, Any],
    channel: str,
    kind: str = "send",
    target_ref: dict[str, Any] | None = None,
    correlation: str | None = None,
    now: datetime,
) -> OutboxRow:
    """Queue ``message`` (``message_to_dict``) for ``recipient`` (``ConversationKey.as_dict``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    row = OutboxRow(
        created_at=now, channel=channel, recipient=dict(recipient),
        recipient_key=recipient_key(recipient), message=dict(message), kind=kind,
        target_ref=dict(target_ref) if target_ref else None, correlation=correlation,
        state="pending", attempts=0, next_attempt_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def recipient_key(recipient: Mapping[str, Any]) -> str:
    """The conversation a ``ConversationKey.as_dict`` names, as one string (its ``lock_id``)."""
    user = str(recipient.get("user") or "")
    conversation = str(recipient.get("conversation") or "") or "@" + user
    return f"{recipient.get('channel') or ''}:{recipient.get('tenant') or ''}:{conversation}:{user}"


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    owner: str,
    lease_seconds: float,
    limit: int,
    channels: Collection[str] | None = None,
) -> list[OutboxRow]:
    """Take up to ``limit`` due rows, oldest first: mark them ``sending`` under a lease.

    Only rows for ``channels`` (None: any channel) are taken, and only the first unsent row of
    each recipient: a row waits while an earlier row to the same recipient is pending (also a
    failed one waiting for its retry) or sending. A row left ``sending`` is taken again once
    its lease ran out, or at once by its own ``owner`` (who claims one batch at a time, so it
    is not sending it now: a restarted terminal chat, a send that raised).
    """
    if channels is not None and not channels:
        return []
    due = or_(
        and_(col(OutboxRow.state) == "pending", col(OutboxRow.next_attempt_at) <= now),
        and_(col(OutboxRow.state) == "sending",
             or_(col(OutboxRow.lease_until) <= now, col(OutboxRow.lease_owner) == owner)),
    )
    earlier = aliased(OutboxRow)
    held_back = exists().where(
        col(earlier.recipient_key) == col(OutboxRow.recipient_key),
        col(earlier.id) < col(OutboxRow.id),
        col(earlier.state).in_(("pending", "sending")),
    )
    query = select(OutboxRow).where(due, ~held_back)
    if channels is not None:
        query = query.where(col(OutboxRow.channel).in_(sorted(channels)))
    query = query.order_by(col(OutboxRow.id)).limit(limit).with_for_update(skip_locked=True)
    rows = list(await session.scalars(query))
    lease_until = now + timedelta(seconds=lease_seconds)
    for row in rows:
        row.state = "sending"
        row.lease_owner = owner
        row.lease_until = lease_until
        row.attempts += 1
    await session.flush()
    return rows


async def mark_sent(
    session: AsyncSession, *, outbox_id: int, sent_ref: dict[str, Any] | None, now: datetime
) -> None:
    row = await _get(session, outbox_id)
    row.state = "sent"
    row.sent_ref = dict(sent_ref) if sent_ref else None
    row.sent_at = now
    _release(row)
    await session.flush()


async def mark_failed(
    session: AsyncSession,
    *,
    outbox_id: int,
    error: str,
    now: datetime,
    retry_at: datetime | None,
) -> None:
    """Back to ``pending`` until ``retry_at``, or ``dead`` when ``retry_at`` is None."""
    row = await _get(session, outbox_id)
    row.last_error = error
    if retry_at is None:
        row.state = "dead"
    else:
        row.state = "pending"
        row.next_attempt_at = max(retry_at, now)
    _release(row)
    await session.flush()


async def sent_refs(session: AsyncSession, *, correlation: str) -> list[OutboxRow]:
    """The sent rows with this correlation (e.g. the cards of one approval), oldest first."""
    query = (
        select(OutboxRow)
        .where(col(OutboxRow.correlation) == correlation, col(OutboxRow.state) == "sent")
        .order_by(col(OutboxRow.id))
    )
    return list(await session.scalars(query))


async def cards_with_prefix(session: AsyncSession, *, prefix: str) -> list[OutboxRow]:
    """Messages sent as cards whose correlation starts with ``prefix`` (any state), in order.

    Updates are queued without a correlation, so only the original sends are found.
    """
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(OutboxRow)
        .where(col(OutboxRow.correlation).like(pattern, escape="\\"),
               col(OutboxRow.kind) == "send")
        .order_by(col(OutboxRow.id))
    )
    return list(await session.scalars(query))


async def rewrite(session: AsyncSession, *, row: OutboxRow, message: dict[str, Any]) -> None:
    """Change what a still-pending row will send (it goes out current, never stale)."""
    if row.state != "pending":
        raise ValueError(f"outbox row {row.id} is {row.state}; only pending rows are rewritten")
    row.message = dict(message)
    session.add(row)
    await session.flush()


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    """``{"pending": n, "sending": n, "sent": n, "dead": n}`` (every state present)."""
    query = select(col(OutboxRow.state), func.count()).group_by(col(OutboxRow.state))
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    for state, count in await session.execute(query):
        counts[state] = count
    return counts


def backoff_delay(
    attempts: int,
    *,
    base: float = 1.0,
    cap: float = 300.0,
    retry_after: float | None = None,
    jitter: bool = False,
) -> float:
    """Seconds to wait after ``attempts`` failed tries: base, 2*base, 4*base ... up to ``cap``.

    With ``jitter`` the delay is drawn uniformly from [0, delay] ("full jitter"). A platform's
    ``Retry-After`` is the minimum either way.
    """
    exponent = min(max(attempts - 1, 0), 62)
    delay = min(cap, base * float(2**exponent))
    if jitter:
        delay = random.uniform(0.0, delay)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return max(delay, 0.0)


async def _get(session: AsyncSession, outbox_id: int) -> OutboxRow:
    row = await session.get(OutboxRow, outbox_id)
    if row is None:
        raise LookupError(f"outbox row {outbox_id} does not exist")
    return row


def _release(row: OutboxRow) -> None:
    row.lease_owner = None
    row.lease_until = None
