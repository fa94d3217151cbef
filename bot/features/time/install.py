"""Wire time into a running bot: refuse a policy calendar that does not exist, add the digest
cron jobs, and fold the request facts that are missing once at start. (The timer kinds come
from the features' registrations.)"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.features.time import fact_rows
from bot.features.time.digests import plan_digests
from bot.services import Services
from bot.settings import Settings, SettingsError
from dialogs.model import Bundle
from store.db import Database

log = logging.getLogger("esmbot.metrics")

class RunningBot(Protocol):
    """What the digest jobs need of the bot (``bot.app.BotApp``)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def db(self) -> Database: ...
    @property
    def services(self) -> Services: ...
    @property
    def scheduler(self) -> AsyncIOScheduler: ...


def check_policy_calendar(settings: Settings, bundle: Bundle) -> None:
    problem = policy_calendar_problem(settings, bundle)
    if problem:
        raise SettingsError(problem)


def policy_calendar_problem(settings: Settings, bundle: Bundle) -> str | None:
    """What is wrong with ``[policies] calendar`` for these calendars (start-up and ``esmbot
    catalog check`` ask the same question, so they never disagree); None when it is fine."""
    configured = settings.policies.calendar
    if not configured or configured in bundle.calendars:
        return None
    known = ", ".join(sorted(bundle.calendars)) or "none"
    return (f"policies.calendar: no calendar {configured!r} in the calendars file "
            f"(calendars: {known}); name one of them, or leave it out for the first")


ZoneJob = Callable[[RunningBot, str], Awaitable[int]]


def add_zone_jobs(app: RunningBot, name: str, job: ZoneJob) -> None:
    """One cron job ``name:<zone>`` per time zone in the directory, at ``digest_time`` local
    time, in every replica: ``job(app, zone)`` (the timers it writes are deduplicated)."""
    at = time.fromisoformat(app.settings.policies.digest_time)
    zones = sorted({p.timezone for p in app.services.bundle.directory.persons.values()})
    for zone in zones:
        app.scheduler.add_job(
            job, CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            args=[app, zone], id=f"{name}:{zone}", replace_existing=True, coalesce=True,
            max_instances=1, misfire_grace_time=3600)


def add_digest_jobs(app: RunningBot) -> None:
    """One cron job per time zone in the directory, at ``digest_time`` local time."""
    add_zone_jobs(app, "digest", plan_digest_timers)


async def plan_digest_timers(app: RunningBot, zone: str) -> int:
    """The cron job: today's digest timers for ``zone`` (deduplicated across replicas)."""
    async with app.db.unit_of_work() as uow:
        return await plan_digests(uow.session, app.services, app.services.clock(), zone)


FACTS_JOB = "request-facts-fill"
FILL_BATCH = 200  # requests per transaction: short, so turns are not held up for long


def add_facts_fill_job(app: RunningBot) -> None:
    """Once, at start: fold a ``request_fact`` row for every request that has none (a database
    from before the metrics), a batch per transaction, while the bot already serves."""
    app.scheduler.add_job(
        fill_missing_facts, "date", run_date=datetime.now(UTC), args=[app], id=FACTS_JOB,
        replace_existing=True, misfire_grace_time=None)


async def fill_missing_facts(app: RunningBot) -> int:
    """The rows folded; a failure is logged (``esmbot metrics rebuild`` does it by hand)."""
    try:
        written = await fact_rows.rebuild(app.db, app.services, missing_only=True,
                                          batch=FILL_BATCH)
    except Exception:
        log.exception("folding the missing request facts failed; run esmbot metrics rebuild")
        return 0
    if written:
        log.info("request facts: folded %d request(s) that had none", written)
    return written
