"""The outbox dispatcher: sends what committed turns queued, after their commit.

Rows are claimed with a short lease, renewed while their sends go on (so a crashed sender's
rows go to another within seconds), sent through their channel, and marked sent with the
platform's message reference (for later card updates). A row claimed from a sender that died
mid-send is in doubt: where the channel can find its own sends again (``FindsItsSends``: every
send carries its row's tag), it is looked for first and only sent when it is not there. A
failed send is retried with capped, jittered backoff (``outbox.RetryPolicy``), honouring
``Retry-After``, for hours, then dead-lettered; never dropped silently. Only rows for the
channels this process has are claimed: a row for another channel waits for the process that has
it (the terminal chat, another replica). Rows to one recipient go out in order (see
``store.outbox``). Each message is fitted to its channel's ``Capabilities`` here, once
(``chat.channel.degrade``: buttons it cannot show become numbered choices), and an update is
tried only where the channel can update at all. A ``retire`` row (an older copy of a card a
newer one replaced) is only ever an edit: where the channel cannot edit, it is recorded as done
and nothing is sent.

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
from dataclasses import replace
from datetime import datetime, timedelta

from chat.channel import Channel, ChannelError, FindsItsSends, UpdateUnsupported, degrade
from chat.events import ConversationKey, MessageRef
from chat.replies import Message, message_from_dict
from chat.telemetry import platform_error
from store import outbox
from store.db import Database
from store.models import OutboxRow

log = logging.getLogger("esmbot.outbox")
Outcome = outbox.Delivered | outbox.Failure
LEASE_SECONDS = 10.0


class OutboxDispatcher:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        clock: Callable[[], datetime],
        *,
        retry: outbox.RetryPolicy | None = None,
        max_attempts: int | None = None,
        batch_size: int = 50,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        heartbeat_seconds: float | None = None,
    ) -> None:
        """``owner`` names this sender in the rows it claims; it must be unique among the
        processes running at one time (default: random). A process that keeps its name across
        restarts (the terminal chat) takes back at once the rows it was sending when it died.
        While a batch is being sent its leases are renewed every ``heartbeat_seconds``
        (default: a third of ``lease_seconds``). ``max_attempts`` overrides ``retry``'s."""
        self.db = db
        self.channels = channels
        self.clock = clock
        retry = retry or outbox.RetryPolicy()
        if max_attempts is not None:
            retry = replace(retry, max_attempts=max_attempts)
        self.retry = retry
        self.batch_size = batch_size
        self.owner = owner or f"dispatcher-{secrets.token_hex(4)}"
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = heartbeat_seconds or lease_seconds / 3
        self._wake = asyncio.Event()
        self._drain_lock = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Send everything that is due now; returns how many were delivered."""
        delivered = 0
        async with self._drain_lock:
            while True:
                taken = await self._claim()
                if not taken.rows:
                    return delivered
                delivered += await self._send_batch(taken)

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

    async def _claim(self) -> outbox.Claim:
        channels = list(self.channels)
        if not channels:
            return outbox.Claim([], frozenset())
        async with self.db.unit_of_work() as uow:
            return await outbox.claim(uow.session, now=self.clock(), owner=self.owner,
                                      lease_seconds=self.lease_seconds, limit=self.batch_size,
                                      channels=channels)

    async def renew(self, ids: Sequence[int]) -> int:
        """Extend this sender's leases on ``ids`` by ``lease_seconds`` from now; returns how
        many it still held."""
        async with self.db.unit_of_work() as uow:
            until = self.clock() + timedelta(seconds=self.lease_seconds)
            return await outbox.renew_leases(uow.session, ids=ids, owner=self.owner,
                                             until=until)

    async def _send_batch(self, taken: outbox.Claim) -> int:
        """Send the rows at once, then record their outcomes; returns how many were delivered.

        Their leases are renewed while the sends go on. When the drain is cancelled mid-batch,
        the sends that finished are still recorded (else they would go out twice); the others
        stay leased to this sender and are retried.
        """
        attempts = [asyncio.ensure_future(self._attempt(row, row.id in taken.in_doubt))
                    for row in taken.rows]
        done = asyncio.Event()
        heartbeat = asyncio.ensure_future(self._keep_leases([row.id or 0 for row in taken.rows],
                                                            done))
        try:
            outcomes = await asyncio.gather(*attempts)
        except asyncio.CancelledError:
            heartbeat.cancel()
            finished = [task.result() for task in attempts
                        if task.done() and not task.cancelled() and task.exception() is None]
            await asyncio.shield(self._record(finished))
            raise
        done.set()
        await heartbeat
        await self._record(outcomes)
        return sum(isinstance(outcome, outbox.Delivered) for outcome in outcomes)

    async def _keep_leases(self, ids: list[int], done: asyncio.Event) -> None:
        """Renew the batch's leases every ``heartbeat_seconds`` until ``done``; a failed
        renewal is logged and tried again at the next beat (the lease still runs meanwhile)."""
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=self.heartbeat_seconds)
                return
            try:
                await self.renew(ids)
            except Exception:
                log.warning("could not renew the outbox leases of %d rows", len(ids),
                            exc_info=True)

    async def _attempt(self, row: OutboxRow, in_doubt: bool = False) -> Outcome:
        """Send one row; however it ends, the result is an outcome to record."""
        try:
            ref = await self._send(row, in_doubt)
        except _StillInDoubt as doubt:
            platform_error(row.channel, doubt.cause.kind)
            failure = self._failure(row, str(doubt.cause), doubt.cause.retry_after, False)
            return replace(failure, in_doubt=True)
        except ChannelError as exc:
            platform_error(row.channel, exc.kind)
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

    async def _send(self, row: OutboxRow, in_doubt: bool) -> MessageRef | None:
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
        key = ConversationKey.from_dict(row.recipient)
        if not isinstance(channel, FindsItsSends):
            return await channel.send(key, message)
        tag = send_tag(row)
        if in_doubt and row.kind == "send":
            found = await self._find(channel, key, tag, row)
            if found is not None:
                return found
        return await channel.send_tagged(key, message, tag)

    async def _find(self, channel: FindsItsSends, key: ConversationKey, tag: str,
                    row: OutboxRow) -> MessageRef | None:
        """The message a dead sender may have sent for ``row``; None when it is not there,
        or when the platform refuses to say (logged: the row is then sent, perhaps twice).
        When the platform cannot answer now, ``_StillInDoubt``: look again at the retry."""
        try:
            found = await channel.find_tagged(key, tag, row.created_at)
        except ChannelError as exc:
            if not exc.permanent:
                raise _StillInDoubt(exc) from exc
            log.warning("outbox=%s was being sent when its sender stopped; could not look "
                        "for it (%s), sending it again", row.id, exc)
            return None
        if found is not None:
            log.info("outbox=%s had been sent before its sender stopped; not sent again",
                     row.id)
        return found

    def _failure(
        self, row: OutboxRow, error: str, retry_after: float | None, permanent: bool
    ) -> outbox.Failure:
        """Retry with backoff (at least ``retry_after``) within the retry window, or dead."""
        retry_at = None
        if not permanent:
            retry_at = self.retry.retry_at(row, self.clock(), retry_after=retry_after)
        if retry_at is None:
            log.error("outbox=%s dead after %d attempts: %s", row.id, row.attempts, error)
        else:
            log.warning("outbox=%s failed (%s); retry at %s", row.id, error, retry_at)
        return outbox.Failure(outbox_id=row.id or 0, error=error[:500], retry_at=retry_at)


def send_tag(row: OutboxRow) -> str:
    """The tag a row's send carries at the platform, to find it again: its outbox id."""
    return f"outbox-{row.id}"


class _StillInDoubt(Exception):
    """Looking for an in-doubt row failed for now (``cause``); it stays in doubt."""

    def __init__(self, cause: ChannelError) -> None:
        super().__init__(str(cause))
        self.cause = cause


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
