"""Wire time into a running bot: the timer kinds for the sweeper, and the digest cron jobs."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from bot.features.time.digests import DigestHandlers, plan_digests
from bot.features.time.timers import Handlers
from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.app import BotApp


def install_timer_kinds(app: BotApp) -> None:
    """Register every timer kind; refuse a policy calendar that does not exist."""
    policies = app.settings.policies
    if policies.calendar not in app.bundle.calendars:
        known = ", ".join(sorted(app.bundle.calendars)) or "none"
        raise SettingsError(f"policies.calendar: no calendar {policies.calendar!r} in the "
                            f"calendars file (calendars: {known})")

    def channels() -> list[str]:
        return list(app.channels)

    app.timer_handlers.update(Handlers(app.services, channels).registry())
    app.timer_handlers.update(DigestHandlers(app.services, channels).registry())


def add_digest_jobs(app: BotApp) -> None:
    """One cron job per time zone in the directory, at ``digest_time`` local time."""
    at = time.fromisoformat(app.settings.policies.digest_time)
    zones = sorted({p.timezone for p in app.bundle.directory.persons.values()})
    for zone in zones:
        app.scheduler.add_job(
            plan_digest_timers, CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            args=[app, zone], id=f"digest:{zone}", replace_existing=True, coalesce=True,
            max_instances=1, misfire_grace_time=3600)


async def plan_digest_timers(app: BotApp, zone: str) -> int:
    """The cron job: today's digest timers for ``zone`` (deduplicated across replicas)."""
    async with app.db.unit_of_work() as uow:
        return await plan_digests(uow.session, app.services, app.services.clock(), zone)
