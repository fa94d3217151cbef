"""The composition root: settings + files + store + channels -> a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.kit.plumbing import Plumbing
from bot.features import REGISTRY
from bot.features.audit.install import add_anchor_job
from bot.features.time.fact_rows import refreshing
from bot.features.time.install import (
    add_digest_jobs,
    add_facts_fill_job,
    check_policy_calendar,
)
from bot.identity import DirectoryRoster
from bot.observability import watch_loop_lag
from bot.pipeline import Pipeline
from bot.reload import follow_reloads, generation_now
from bot.services import Services, utc_now
from bot.settings import Settings
from chat.channel import Channel
from chat.events import ConversationKey, InboundEvent
from dialogs.loader import demo_paths, load_bundle
from dialogs.matching import Matcher
from dialogs.model import Bundle
from scheduler.dispatcher import OutboxDispatcher
from scheduler.notices import NOTICE_HANDLERS
from scheduler.sweeper import Sweeper, TimerHandler
from store import choices, inbound, inbox, replay, retention
from store.db import Database
from store.outbox import RetryPolicy

log = logging.getLogger("esmbot.app")
SWEEP_JOB = "timer-sweeper"
PRUNE_JOB = "inbound-pruner"
RELOAD_JOB = "reload-follower"
RETENTION_JOB = "retention"
RECOVER_JOB = "inbox-recovery"
RECOVER_BATCH = 100
RECOVER_BATCHES_PER_PASS = 50


def bundle_paths(settings: Settings) -> tuple[Path, Path, Path]:
    """The configured catalog folder, directory and calendars; each unset one is the demo's."""
    demo_catalog, demo_directory, demo_calendars = demo_paths()
    return (
        Path(settings.catalog.path) if settings.catalog.path else demo_catalog,
        Path(settings.directory.path) if settings.directory.path else demo_directory,
        Path(settings.calendars.path) if settings.calendars.path else demo_calendars,
    )


def load_configured_bundle(settings: Settings) -> Bundle:
    """Raises ``dialogs.loader.BundleError`` naming every problem."""
    return load_bundle(*bundle_paths(settings))


@dataclass
class BotApp:
    settings: Settings
    db: Database
    services: Services
    pipeline: Pipeline
    dispatcher: OutboxDispatcher
    sweeper: Sweeper
    timer_handlers: dict[str, TimerHandler]  # kind -> handler; the sweeper reads it each firing
    scheduler: AsyncIOScheduler  # in-memory clock: the sweep job, and cron jobs that add timers
    channels: dict[str, Channel] = field(default_factory=dict)
    loaded_generation: int = 0  # the reload generation its bundle was read at (bot/reload.py)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _sweep_jobs: set[asyncio.Task[object]] = field(default_factory=set)
    _recovering: asyncio.Lock = field(default_factory=asyncio.Lock)
    owner: str = field(default_factory=lambda: (
        f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"))  # of inbox leases

    @property
    def bundle(self) -> Bundle:
        return self.services.bundle

    async def handle(self, event: InboundEvent) -> None:
        await self.pipeline.handle(event)

    def bundle_paths(self) -> tuple[Path, Path, Path]:
        return bundle_paths(self.settings)

    def swap_bundle(self, bundle: Bundle) -> None:
        """Serve ``bundle`` from the next turn and timer on (``bot/reload.py``)."""
        services = replace(self.services, bundle=bundle, matcher=Matcher(bundle.catalog))
        self.services = services
        self.pipeline.services = services
        self.timer_handlers.update(REGISTRY.timer_kinds(services, lambda: list(self.channels)))

    async def resume(self, key: ConversationKey) -> bool:
        """The open form's question again in ``key``'s conversation (the terminal's ``/as``)."""
        return await self.pipeline.resume(key)

    def roster(self, channel: str) -> DirectoryRoster:
        """What an adapter may ask about people on ``channel``, from the current directory."""
        return DirectoryRoster(lambda: self.bundle.directory, channel)

    async def add_channel(self, channel: Channel) -> None:
        """Register ``channel`` and start it with the pipeline as its inbox
        (``adapters.kit.host.Inbox``: taken in before the platform is answered)."""
        self.channels[channel.name] = channel
        await channel.start(self.pipeline)

    async def first_use(self, channel: str, nonce: str, digest: str, *,
                        keep_seconds: float) -> bool:
        """The replay guard an HTTP adapter asks (``adapters.kit.replay``), across replicas."""
        keep_until = self.services.clock() + timedelta(seconds=keep_seconds)
        async with self.db.unit_of_work() as uow:
            seen = await replay.sight(uow.session, channel=channel, nonce=nonce, digest=digest,
                                      keep_until=keep_until)
        return seen is not replay.Sighting.OTHER_BODY

    async def remember_choices(self, conversation: str, shown: dict[str, Any] | None) -> None:
        """What a number means in ``conversation`` now (``adapters.kit.choices``), in the
        database: "1" still clicks the latest card after a restart and on another replica."""
        async with self.db.unit_of_work() as uow:
            await choices.remember(uow.session, conversation=conversation, shown=shown,
                                   now=self.services.clock())

    async def choices_in(self, conversation: str) -> dict[str, Any] | None:
        async with self.db.unit_of_work() as uow:
            return await choices.recall(uow.session, conversation=conversation)

    def start_background(self) -> None:
        """The dispatcher loop (sends after commit, retries with backoff), and the scheduler
        running the timer sweeper every ``[timers] sweep_seconds``, at once the first time."""
        poll = self.settings.outbox.poll_seconds
        self._tasks.append(asyncio.create_task(self.dispatcher.run(poll, self._stop)))
        self._tasks.append(asyncio.create_task(watch_loop_lag(self._stop)))
        _quiet_apscheduler()
        self.scheduler.add_job(
            self._sweep_job, "interval", seconds=self.settings.timers.sweep_seconds,
            id=SWEEP_JOB, max_instances=1, coalesce=True, misfire_grace_time=None,
            next_run_time=datetime.now(UTC))  # APScheduler runs on real time, not on our clock
        self.scheduler.add_job(
            self.prune_inbound, "interval", minutes=self.settings.inbound.prune_minutes,
            id=PRUNE_JOB, max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.add_job(
            self.apply_retention, "interval", hours=24, id=RETENTION_JOB, max_instances=1,
            coalesce=True, misfire_grace_time=None, next_run_time=datetime.now(UTC))
        self.scheduler.add_job(
            self._follow_reloads, "interval", seconds=self.settings.server.reload_poll_seconds,
            id=RELOAD_JOB, max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.add_job(
            self.recover_inbox, "interval", seconds=self.settings.inbound.recover_seconds,
            id=RECOVER_JOB, max_instances=1, coalesce=True, misfire_grace_time=None,
            next_run_time=datetime.now(UTC))
        add_digest_jobs(self)
        add_anchor_job(self)
        add_facts_fill_job(self)
        self.scheduler.start()

    async def prune_inbound(self) -> int:
        """Forget event ids older than ``[inbound] retention_hours`` and callback signatures
        whose window has closed (indexed deletes, a few rows each run); a failure is logged
        and the next run tries again. Returns how many rows went."""
        now = self.services.clock()
        before = now - timedelta(hours=self.settings.inbound.retention_hours)
        try:
            async with self.db.unit_of_work() as uow:
                events = await inbound.prune_events(uow.session, before=before)
                signatures = await replay.prune_signatures(uow.session, now=now)
        except Exception:
            log.exception("pruning the inbound dedupe failed; the next run retries")
            return 0
        return events + signatures

    async def apply_retention(self) -> int:
        """Forget delivered outbox rows and seen terminal messages past ``[retention]``; a
        failure is logged and tomorrow's run tries again. Returns how many rows went."""
        now = self.services.clock()
        keep = self.settings.retention
        try:
            async with self.db.unit_of_work() as uow:
                sent = await retention.prune_sent_outbox(
                    uow.session, before=now - timedelta(days=keep.outbox_sent_days))
                seen = await retention.prune_seen_mailbox(
                    uow.session, before=now - timedelta(days=keep.mailbox_days))
        except Exception:
            log.exception("applying retention failed; the next run retries")
            return 0
        if sent or seen:
            log.info("retention: %d delivered outbox rows, %d seen terminal messages", sent, seen)
        return sent + seen

    async def _follow_reloads(self) -> None:
        try:
            await follow_reloads(self)
        except Exception:
            log.exception("checking for a reload failed; the next poll retries")

    async def recover_inbox(self) -> int:
        """Process the inbox rows of our channels that were taken in ``grace_seconds`` ago or
        more and never processed (a process died mid-turn, the database failed): batch after
        batch, each under a lease, one row per conversation per batch so that each
        conversation's events go in order. A failure is logged and the next run tries again.
        Returns how many rows were claimed (one pass at a time in this process)."""
        async with self._recovering:
            return await self._recover_batches()

    async def _recover_batches(self) -> int:
        claimed = 0
        for _ in range(RECOVER_BATCHES_PER_PASS):
            batch = await self._claim_stale()
            if batch:
                log.warning("recovering %d event(s) taken in but never processed", len(batch))
                await asyncio.gather(*(self._recover(stale) for stale in batch))
            claimed += len(batch)
            if not batch:  # (a batch takes one row per conversation: the next may follow)
                break
        return claimed

    async def _claim_stale(self) -> list[inbox.Stale]:
        settings = self.settings.inbound
        try:
            async with self.db.unit_of_work() as uow:
                return await inbox.claim_stale(
                    uow.session, now=self.services.clock(), grace_seconds=settings.grace_seconds,
                    owner=self.owner, lease_seconds=settings.lease_seconds, limit=RECOVER_BATCH,
                    channels=list(self.channels))
        except Exception:
            log.exception("claiming unprocessed inbox rows failed; the next run retries")
            return []

    async def _recover(self, stale: inbox.Stale) -> None:
        if stale.attempts > self.settings.inbound.max_attempts:
            await self.pipeline.give_up(stale.event, stale.attempts - 1)
            return
        event = stale.event
        channel = self.channels.get(event.key.channel)
        if isinstance(channel, Plumbing):
            try:
                event = await channel.prepare(event)
            except Exception:
                log.exception("preparing recovered event=%s failed; processed as stored",
                              event.event_id)
        await self.pipeline.process(event)

    async def sweep(self) -> int:
        """One sweeper pass; a failure is logged and the next pass tries again."""
        try:
            return await self.sweeper.sweep()
        except Exception:
            log.exception("timer sweep failed; the next pass retries")
            return 0

    async def _sweep_job(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._sweep_jobs.add(task)
        try:
            await self.sweep()
        finally:
            if task is not None:
                self._sweep_jobs.discard(task)

    async def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.pause()  # no new passes; let the one under way finish
            await asyncio.gather(*self._sweep_jobs, return_exceptions=True)
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the asyncio scheduler shuts down on the loop's next turn
        await self.sweeper.stop()
        self._stop.set()
        self.dispatcher.wake()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for channel in self.channels.values():
            await channel.stop()
        await self.db.close()


class _SkippedWhileRunning(logging.Filter):
    """A sweep still running when the next one is due is skipped by design (one at a time)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in record.getMessage()


def _quiet_apscheduler() -> None:
    """No log line per sweep (unless logging is configured for apscheduler explicitly)."""
    if logging.getLogger("apscheduler").level == logging.NOTSET:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, _SkippedWhileRunning) for f in scheduler_log.filters):
        scheduler_log.addFilter(_SkippedWhileRunning())


def retry_policy(settings: Settings) -> RetryPolicy:
    """The outbox's retries as ``[outbox]`` sets them."""
    box = settings.outbox
    return RetryPolicy(base=box.retry_base_seconds, cap=box.retry_cap_seconds,
                       window=box.retry_hours * 3600.0, max_attempts=box.max_attempts)


async def build_app(
    settings: Settings,
    *,
    bundle: Bundle | None = None,
    clock: Callable[[], datetime] = utc_now,
    extra_handlers: Mapping[str, TimerHandler] | None = None,
) -> BotApp:
    """Everything wired, nothing started (``start_background`` starts the loops).

    Timer kinds: the ``notice`` handler plus ``extra_handlers``; more may be added to
    ``app.timer_handlers`` later, the sweeper looks kinds up when it fires a timer.
    """
    bundle = bundle or load_configured_bundle(settings)
    db = await Database.open(settings.store.url)
    services = Services(settings=settings, bundle=bundle, matcher=Matcher(bundle.catalog),
                        clock=clock)
    channels: dict[str, Channel] = {}
    dispatcher = OutboxDispatcher(db, channels, clock, retry=retry_policy(settings),
                                  batch_size=settings.outbox.batch_size,
                                  lease_seconds=settings.outbox.lease_seconds)
    pipeline = Pipeline(services, db, on_commit=dispatcher.wake)
    timer_handlers: dict[str, TimerHandler] = {**NOTICE_HANDLERS, **(extra_handlers or {})}
    sweeper = Sweeper(db, timer_handlers, clock,
                      lease_seconds=settings.timers.lease_seconds,
                      batch_size=settings.timers.batch_size,
                      max_attempts=settings.timers.max_attempts,
                      on_commit=dispatcher.wake)
    app = BotApp(settings=settings, db=db, services=services, pipeline=pipeline,
                 dispatcher=dispatcher, sweeper=sweeper, timer_handlers=timer_handlers,
                 scheduler=AsyncIOScheduler(timezone=UTC), channels=channels)
    try:
        app.loaded_generation = await generation_now(db)
        check_policy_calendar(settings, bundle)
        kinds = REGISTRY.timer_kinds(services, lambda: list(app.channels))
        # each kind followed by the facts of the trails it extended, in its transaction
        timer_handlers.update({kind: refreshing(handler, services)
                               for kind, handler in kinds.items()})
    except BaseException:
        await db.close()
        raise
    return app
