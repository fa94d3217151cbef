"""The outbox dispatcher: sends what committed turns queued, after their commit.

Rows are claimed with a lease (so a crashed sender's rows go to another), sent through their
channel, and marked sent with the platform's message reference (for later card updates). A failed
send is retried with backoff, honouring ``Retry-After``, and dead-lettered after its attempts;
never dropped silently. Only rows for the channels this process has are claimed: a row for
another channel waits for the process that has it (the terminal chat, another replica). Rows to
one recipient go out in order (see ``store.outbox``). Each message is fitted to its channel's
``Capabilities`` here, once (``chat.channel.degrade``: buttons it cannot show become numbered
choices), and an update is tried only where the channel can update at all. A ``retire`` row
(an older copy of a card a newer one replaced) is only ever an edit: where the channel cannot
edit, it is recorded as done and nothing is sent.

A claimed batch holds at most one row per recipient (``outbox.claim_due`` takes only the first
unsent row of each), so its rows are sent at the same time without breaking that order; the
next batch is claimed only after every outcome of this one is recorded, in one unit of work.
Each send ends as an outcome (delivered, or failed with its retry moment), never as an
exception, so one failing send cannot lose or mis-mark the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from chat.channel import Channel, ChannelError, UpdateUnsupported, degrade
from chat.events import ConversationKey, MessageRef
from chat.replies import Message, message_from_dict
from store import outbox
from store.db import Database
from store.models import OutboxRow

log = logging.getLogger("esmbot.outbox")
Outcome = outbox.Delivered | outbox.Failure
LEASE_SECONDS = 60.0


class OutboxDispatcher:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        batch_size: int = 50,
        owner: str | None = None,
    ) -> None:
        """``owner`` names this sender in the rows it claims; it must be unique among the
        processes running at one time (default: random). A process that keeps its name across
        restarts (the terminal chat) takes back at once the rows it was sending when it died."""
        self.db = db
        self.channels = channels
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.owner = owner or f"dispatcher-{secrets.token_hex(4)}"
        self._wake = asyncio.Event()
        self._drain_lock = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Send everything that is due now; returns how many were delivered."""
        delivered = 0
        async with self._drain_lock:
            while True:
                rows = await self._claim()
                if not rows:
                    return delivered
                delivered += await self._send_batch(rows)

    async def run(self, poll_seconds: float, stop: asyncio.Event) -> None:
        """Drain whenever woken, and at least every ``poll_seconds`` (for retries)."""
        while not stop.is_set():
            self._wake.clear()  # before draining: a commit during the drain wakes the next one
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)

    async def _claim(self) -> list[OutboxRow]:
        channels = list(self.channels)
        if not channels:
            return []
        async with self.db.unit_of_work() as uow:
            return await outbox.claim_due(uow.session, now=self.clock(), owner=self.owner,
                                          lease_seconds=LEASE_SECONDS, limit=self.batch_size,
                                          channels=channels)

    async def _send_batch(self, rows: Sequence[OutboxRow]) -> int:
        """Send the rows at once, then record their outcomes; returns how many were delivered.

        When the drain is cancelled mid-batch, the sends that finished are still recorded (else
        they would go out twice); the others stay leased to this sender and are retried.
        """
        attempts = [asyncio.ensure_future(self._attempt(row)) for row in rows]
        try:
            outcomes = await asyncio.gather(*attempts)
        except asyncio.CancelledError:
            finished = [task.result() for task in attempts
                        if task.done() and not task.cancelled() and task.exception() is None]
            await asyncio.shield(self._record(finished))
            raise
        await self._record(outcomes)
        return sum(isinstance(outcome, outbox.Delivered) for outcome in outcomes)

    async def _attempt(self, row: OutboxRow) -> Outcome:
        """Send one row; however it ends, the result is an outcome to record."""
        try:
            ref = await self._send(row)
        except ChannelError as exc:
            return self._failure(row, str(exc), exc.retry_after, exc.permanent)
        except Exception as exc:  # a bug in an adapter must not lose the message
            log.exception("send raised outbox=%s", row.id)
            return self._failure(row, repr(exc), None, False)
        return outbox.Delivered(outbox_id=row.id or 0, sent_ref=ref.as_dict() if ref else None)

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        """Every outcome of a batch in one unit of work: sent refs, retries, dead letters."""
        if not outcomes:
            return
        delivered = [item for item in outcomes if isinstance(item, outbox.Delivered)]
        failures = [item for item in outcomes if isinstance(item, outbox.Failure)]
        async with self.db.unit_of_work() as uow:
            now = self.clock()
            await outbox.mark_sent_many(uow.session, delivered, now=now)
            await outbox.mark_failed_many(uow.session, failures, now=now)

    async def _send(self, row: OutboxRow) -> MessageRef | None:
        channel = self.channels.get(row.channel)
        if channel is None:  # stopped since the claim: leave the row for whoever has it
            raise ChannelError(f"channel {row.channel!r} is not enabled here")
        # The one place a message is fitted to the channel (numbered choices for buttons it
        # cannot show), for sends and updates alike.
        message: Message = degrade(message_from_dict(row.message), channel.capabilities)
        if row.kind == "retire":
            return await _retire(channel, row, message)
        if row.kind == "update" and row.target_ref and channel.capabilities.can_update:
            try:
                return await channel.update(MessageRef.from_dict(row.target_ref), message)
            except UpdateUnsupported:
                log.info("update unsupported for outbox=%s; sending a new message", row.id)
        return await channel.send(ConversationKey.from_dict(row.recipient), message)

    def _failure(
        self, row: OutboxRow, error: str, retry_after: float | None, permanent: bool
    ) -> outbox.Failure:
        """Retry with backoff (at least ``retry_after``), or dead after ``max_attempts``."""
        retry_at = None
        if not permanent and row.attempts < self.max_attempts:
            delay = outbox.backoff_delay(row.attempts, retry_after=retry_after)
            retry_at = self.clock() + timedelta(seconds=delay)
        if retry_at is None:
            log.error("outbox=%s dead after %d attempts: %s", row.id, row.attempts, error)
        else:
            log.warning("outbox=%s failed (%s); retry at %s", row.id, error, retry_at)
        return outbox.Failure(outbox_id=row.id or 0, error=error[:500], retry_at=retry_at)


async def _retire(channel: Channel, row: OutboxRow, message: Message) -> MessageRef | None:
    """An older copy of a card edited to point at the latest one, where the channel can edit;
    anywhere else it is left as it is (never a new message: the latest copy is right below)."""
    if not row.target_ref or not channel.capabilities.can_update:
        return None
    try:
        return await channel.update(MessageRef.from_dict(row.target_ref), message)
    except UpdateUnsupported:
        log.info("retire unsupported for outbox=%s; the old copy stays as it is", row.id)
        return None
