"""The timer sweeper: fires due timers exactly once, however late, on one or many replicas.

One pass (``sweep``): on SQLite first take the leader lease (one sweeper per database file;
the others skip their pass), claim due timers in one short transaction, then fire each in its
own unit of work: re-read and lock the timer, check the claim is still ours, run the kind's
handler, mark it done, commit. What the handler wrote (outbox rows, the next timer) commits
with "done" or not at all. A handler that raises is retried with backoff and goes ``dead``
after ``max_attempts``; an unknown kind goes dead at once. A timer is never dropped for being
late: it fires, and its handler learns how late (``late_by``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from store import timers
from store.db import Database
from store.models import TimerRow
from store.outbox import backoff_delay
from store.uow import UnitOfWork

log = logging.getLogger("esmbot.timers")

LEADER_LEASE = "sweeper"
LATE = timedelta(seconds=60)  # later than this is logged
RETRY_BASE_SECONDS = 5.0
MAX_BATCHES_PER_PASS = 50


@dataclass(frozen=True)
class TimerFiring:
    """What a handler gets: the unit of work to write in, the timer, and the moment."""

    uow: UnitOfWork
    timer: TimerRow
    now: datetime
    late_by: timedelta  # now - due_at, never negative


TimerHandler = Callable[[TimerFiring], Awaitable[None]]


class TimerTakenOver(Exception):
    """Our claim ran out and another sweeper has the timer: undo what we did for it."""


class Sweeper:
    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, TimerHandler],
        clock: Callable[[], datetime],
        *,
        lease_seconds: float = 60,
        batch_size: int = 200,
        max_attempts: int = 5,
        on_commit: Callable[[], None] = lambda: None,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.handlers = handlers  # read at every firing: kinds may be registered later
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.on_commit = on_commit
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pass = asyncio.Lock()
        self._stopped = False
        self._led = False  # took the leader lease at least once (SQLite)

    async def sweep(self) -> int:
        """One pass: fire every timer due now (batch after batch); returns how many fired."""
        async with self._pass:
            if self._stopped or not await self._lead():
                return 0
            fired = 0
            for _ in range(MAX_BATCHES_PER_PASS):
                claimed = await self._claim()
                for timer in claimed:
                    fired += await self._fire(timer)
                if len(claimed) < self.batch_size or not await self._lead():
                    break
            if fired:
                log.debug("fired %d timer(s)", fired)
            return fired

    async def stop(self) -> None:
        """Wait for a running pass, sweep no more, and hand the leader lease back."""
        async with self._pass:
            self._stopped = True
            if self._led:
                async with self.db.unit_of_work() as uow:
                    await timers.release_lease(uow.session, name=LEADER_LEASE,
                                               owner=self.owner, now=self.clock())

    async def _lead(self) -> bool:
        """PostgreSQL: every replica sweeps. SQLite: only the holder of the leader lease."""
        if self.db.dialect != "sqlite":
            return True
        async with self.db.unit_of_work() as uow:
            leading = await timers.acquire_lease(uow.session, name=LEADER_LEASE,
                                                 owner=self.owner, now=self.clock(),
                                                 seconds=self.lease_seconds)
        if not leading:
            log.debug("another process holds the sweeper lease; skipping this pass")
        self._led = self._led or leading
        return leading

    async def _claim(self) -> list[TimerRow]:
        async with self.db.unit_of_work() as uow:
            return await timers.claim_due(uow.session, now=self.clock(), owner=self.owner,
                                          lease_seconds=self.lease_seconds,
                                          limit=self.batch_size)

    async def _fire(self, claimed: TimerRow) -> int:
        handler = self.handlers.get(claimed.kind)
        if handler is None:
            await self._release(claimed, f"no handler for timer kind {claimed.kind!r}", None)
            return 0
        now = self.clock()
        try:
            async with self.db.unit_of_work() as uow:
                timer = await timers.lock_claimed(uow.session, timer_id=claimed.id or 0,
                                                  owner=self.owner)
                if timer is None:
                    log.info("timer=%s was taken over by another sweeper", claimed.id)
                    return 0
                late_by = max(now - timer.due_at, timedelta(0))
                self._log_firing(timer, late_by)
                await handler(TimerFiring(uow=uow, timer=timer, now=now, late_by=late_by))
                if timer.state == "claimed" and not await timers.finish(
                        uow.session, timer=timer, owner=self.owner, now=now):
                    raise TimerTakenOver(f"timer {timer.id}")
                uow.after_commit(self.on_commit)
        except TimerTakenOver:
            log.info("timer=%s was taken over while firing; rolled back", claimed.id)
            return 0
        except Exception as exc:
            log.warning("timer=%s kind=%s failed", claimed.id, claimed.kind, exc_info=True)
            await self._release(claimed, repr(exc), self._retry_at(claimed, now))
            return 0
        return 1

    def _log_firing(self, timer: TimerRow, late_by: timedelta) -> None:
        level = logging.INFO if late_by > LATE else logging.DEBUG
        log.log(level, "timer=%s kind=%s subject=%s fires %s late", timer.id, timer.kind,
                timer.subject, late_by)

    def _retry_at(self, timer: TimerRow, now: datetime) -> datetime | None:
        if timer.attempts >= self.max_attempts:
            return None
        return now + timedelta(seconds=backoff_delay(timer.attempts, base=RETRY_BASE_SECONDS))

    async def _release(self, timer: TimerRow, error: str, retry_at: datetime | None) -> None:
        if retry_at is None:
            log.error("timer=%s kind=%s subject=%s is dead after %d attempt(s): %s", timer.id,
                      timer.kind, timer.subject, timer.attempts, error)
        async with self.db.unit_of_work() as uow:
            await timers.release_failed(uow.session, timer_id=timer.id or 0, owner=self.owner,
                                        now=self.clock(), error=error[:500], retry_at=retry_at)
