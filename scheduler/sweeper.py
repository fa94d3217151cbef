"""The timer sweeper: fires due timers exactly once, however late, on one or many replicas.

One pass (``sweep``) goes batch after batch. A batch is claimed in one short transaction (on
SQLite together with taking or renewing the leader lease, so only one sweeper per database
file sweeps and an idle pass is one transaction), then fired in one unit of work: lock the
batch's timers in one statement, keep those whose claim is still ours, run each one's handler
in turn, mark them all done in one statement, commit. Firing one timer per transaction cost
a transaction and three statements of its own per timer; now 10,000 due notices take seconds.
What the handlers wrote (outbox rows, next timers) commits with "done" or not at all, so each
timer's effects commit exactly once. A batch that runs longer than ``transaction_seconds``
commits what fired so far and goes on in a new transaction, so that chat turns waiting for
SQLite's one writer (or for rows a handler locked) do not wait for all of it.

A handler that raises undoes its batch: that timer alone is released for a retry with backoff
(``dead`` after ``max_attempts``; its attempt was counted when it was claimed), and the others
are fired again without it. A failure that no handler raised (marking done, say) is narrowed
down by halving the batch. So a handler may run more than once for one firing (a sweeper that
crashes mid-batch loses its uncommitted work too, and the timers are claimed again once the
lease runs out); what it writes commits once. An unknown kind goes dead at once. A timer is
never dropped for being late: it fires, and its handler learns how late (``late_by``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from store import timers
from store.db import Database
from store.models import TimerRow
from store.outbox import backoff_delay
from store.timers import Claim
from store.uow import UnitOfWork

log = logging.getLogger("esmbot.timers")

LEADER_LEASE = "sweeper"
LATE = timedelta(seconds=60)  # later than this is logged
RETRY_BASE_SECONDS = 5.0
MAX_BATCHES_PER_PASS = 50
# A transaction that fires timers holds SQLite's one writer (PostgreSQL: the rows its handlers
# lock) and so keeps chat turns waiting: past this, what is left of the batch goes in the next.
TRANSACTION_SECONDS = 0.25


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


class _HandlerFailed(Exception):
    """The handler of ``job`` raised ``error`` (or left something that could not be written)."""

    def __init__(self, job: _Job, error: Exception) -> None:
        super().__init__(repr(error))
        self.job = job
        self.error = error


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
        transaction_seconds: float = TRANSACTION_SECONDS,
        on_commit: Callable[[], None] = lambda: None,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.handlers = handlers  # read at every firing: kinds may be registered later
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.transaction_seconds = transaction_seconds
        self.on_commit = on_commit
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pass = asyncio.Lock()
        self._stopped = False
        self._led = False  # took the leader lease at least once (SQLite)

    async def sweep(self) -> int:
        """One pass: fire every timer due now (batch after batch); returns how many fired."""
        async with self._pass:
            if self._stopped:
                return 0
            fired = 0
            for _ in range(MAX_BATCHES_PER_PASS):
                claimed = await self._claim()
                fired += await self._fire(claimed)
                if len(claimed) < self.batch_size:
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

    async def _claim(self) -> list[Claim]:
        """Claim a batch in one transaction; on SQLite only while holding the leader lease."""
        async with self.db.unit_of_work() as uow:
            now = self.clock()
            if not await self._lead(uow, now):
                return []
            return await timers.claim_due(uow.session, now=now, owner=self.owner,
                                          lease_seconds=self.lease_seconds,
                                          limit=self.batch_size)

    async def _lead(self, uow: UnitOfWork, now: datetime) -> bool:
        """PostgreSQL: every replica sweeps. SQLite: only the holder of the leader lease."""
        if self.db.dialect != "sqlite":
            return True
        leading = await timers.acquire_lease(uow.session, name=LEADER_LEASE, owner=self.owner,
                                             now=now, seconds=self.lease_seconds)
        if not leading:
            log.debug("another process holds the sweeper lease; skipping this pass")
        self._led = self._led or leading
        return leading

    async def _fire(self, claimed: Sequence[Claim]) -> int:
        """Fire a claimed batch, together where it can; returns how many fired."""
        batch = await self._with_handlers(claimed)
        fired = 0
        parts: deque[list[_Job]] = deque([batch] if batch else [])
        while parts:
            outcome = await self._fire_together(parts.popleft())
            fired += outcome.fired
            parts.extendleft(reversed(outcome.again))
        return fired

    async def _with_handlers(self, claimed: Sequence[Claim]) -> list[_Job]:
        """Pair each timer with its kind's handler; a timer of an unknown kind dies at once."""
        batch = []
        for claim in claimed:
            handler = self.handlers.get(claim.kind)
            if handler is None:
                await self._release(claim, f"no handler for timer kind {claim.kind!r}", None)
            else:
                batch.append(_Job(claim, handler))
        return batch

    async def _fire_together(self, batch: list[_Job]) -> _Outcome:
        """Fire ``batch`` in one unit of work; what to fire again, apart, if that failed, or
        in the next unit of work, if this one took long enough."""
        now = self.clock()
        try:
            async with self.db.unit_of_work() as uow:
                fired, later = await self._fire_in(uow, batch, now)
                await self._finish(uow, fired, now)
                uow.after_commit(self.on_commit)
            return _Outcome(fired=len(fired), again=[later] if later else [])
        except TimerTakenOver:
            if len(batch) == 1:
                log.info("timer=%s was taken over while firing; rolled back", batch[0].claim.id)
                return _Outcome()
            return _Outcome(again=_halves(batch))
        except _HandlerFailed as failed:
            return await self._without(batch, failed.job, failed.error, now)
        except Exception as exc:
            if len(batch) == 1:
                return await self._without(batch, batch[0], exc, now)
            log.warning("a batch of %d timers failed; firing it again in halves", len(batch),
                        exc_info=True)
            return _Outcome(again=_halves(batch))

    async def _fire_in(self, uow: UnitOfWork, batch: list[_Job], now: datetime
                       ) -> tuple[list[TimerRow], list[_Job]]:
        """Run the handlers of the batch's timers that are still ours, in claim order; what
        fired, and what is left for the next transaction once this one took long enough."""
        started = time.monotonic()
        fired: list[TimerRow] = []
        held = await self._lock(uow, batch)
        for index, (job, timer) in enumerate(held):
            if fired and time.monotonic() - started > self.transaction_seconds:
                return fired, [job for job, _timer in held[index:]]
            if timer.state != "claimed":
                continue  # an earlier handler of this batch finished it (coalescing)
            await self._run(job, uow, timer, now)
            fired.append(timer)
        return fired, []

    async def _lock(self, uow: UnitOfWork, batch: list[_Job]) -> list[tuple[_Job, TimerRow]]:
        """The batch's timers still claimed by us, read afresh and locked, in claim order."""
        held = {timer.id: timer for timer in await timers.lock_claimed_many(
            uow.session, timer_ids=[job.claim.id for job in batch], owner=self.owner)}
        for job in batch:
            if job.claim.id not in held:
                log.info("timer=%s was taken over by another sweeper", job.claim.id)
        return [(job, held[job.claim.id]) for job in batch if job.claim.id in held]

    async def _run(self, job: _Job, uow: UnitOfWork, timer: TimerRow, now: datetime) -> None:
        """Run one handler, and write what it left unwritten: if that fails, it is this
        timer's failure, not that of the next handler, whose statement would flush it."""
        late_by = max(now - timer.due_at, timedelta(0))
        self._log_firing(timer, late_by)
        session = uow.session
        try:
            await job.handler(TimerFiring(uow=uow, timer=timer, now=now, late_by=late_by))
            if session.new or session.dirty or session.deleted:
                await session.flush()
        except Exception as exc:
            raise _HandlerFailed(job, exc) from exc

    async def _finish(self, uow: UnitOfWork, fired: list[TimerRow], now: datetime) -> None:
        """Mark done what fired, except a timer its handler moved to later (rescheduled)."""
        finishing = [timer for timer in fired if timer.state == "claimed"]
        finished = await timers.finish_many(uow.session, timers=finishing, owner=self.owner,
                                            now=now)
        if finished != len(finishing):
            raise TimerTakenOver(f"{len(finishing) - finished} of {len(finishing)} timers")

    async def _without(self, batch: list[_Job], failed: _Job, error: Exception, now: datetime
                       ) -> _Outcome:
        """Release the timer that failed, for a retry, and fire the rest again without it."""
        claim = failed.claim
        log.warning("timer=%s kind=%s failed", claim.id, claim.kind, exc_info=error)
        await self._release(claim, repr(error), self._retry_at(claim, now))
        at = batch.index(failed)
        return _Outcome(again=[part for part in (batch[:at], batch[at + 1:]) if part])

    def _log_firing(self, timer: TimerRow, late_by: timedelta) -> None:
        level = logging.INFO if late_by > LATE else logging.DEBUG
        log.log(level, "timer=%s kind=%s subject=%s fires %s late", timer.id, timer.kind,
                timer.subject, late_by)

    def _retry_at(self, claim: Claim, now: datetime) -> datetime | None:
        if claim.attempts >= self.max_attempts:
            return None
        return now + timedelta(seconds=backoff_delay(claim.attempts, base=RETRY_BASE_SECONDS))

    async def _release(self, claim: Claim, error: str, retry_at: datetime | None) -> None:
        if retry_at is None:
            log.error("timer=%s kind=%s subject=%s is dead after %d attempt(s): %s", claim.id,
                      claim.kind, claim.subject, claim.attempts, error)
        async with self.db.unit_of_work() as uow:
            await timers.release_failed(uow.session, timer_id=claim.id, owner=self.owner,
                                        now=self.clock(), error=error[:500], retry_at=retry_at)


@dataclass(frozen=True, eq=False)  # compared by identity: one job is one firing
class _Job:
    """A claimed timer and the handler of its kind (looked up when it was claimed)."""

    claim: Claim
    handler: TimerHandler


@dataclass(frozen=True)
class _Outcome:
    """How many of a batch fired, and the parts of it to fire again in their own batches."""

    fired: int = 0
    again: list[list[_Job]] = field(default_factory=list)


def _halves(batch: list[_Job]) -> list[list[_Job]]:
    middle = len(batch) // 2
    return [batch[:middle], batch[middle:]]
