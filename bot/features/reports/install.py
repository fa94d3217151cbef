"""The report cron jobs: one per time zone in the directory, at ``digest_time`` local time,
in every replica (the timers they write are deduplicated)."""

from __future__ import annotations

from datetime import time

from apscheduler.triggers.cron import CronTrigger

from bot.features.reports.planning import plan_reports
from bot.features.time.install import RunningBot


def add_report_jobs(app: RunningBot) -> None:
    if not (app.settings.reports.weekly or app.settings.reports.monthly):
        return
    at = time.fromisoformat(app.settings.policies.digest_time)
    zones = sorted({p.timezone for p in app.services.bundle.directory.persons.values()})
    for zone in zones:
        app.scheduler.add_job(
            plan_report_timers, CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            args=[app, zone], id=f"report:{zone}", replace_existing=True, coalesce=True,
            max_instances=1, misfire_grace_time=3600)


async def plan_report_timers(app: RunningBot, zone: str) -> int:
    """The cron job: today's report timers for ``zone`` (deduplicated across replicas)."""
    async with app.db.unit_of_work() as uow:
        return await plan_reports(uow.session, app.services, app.services.clock(), zone)
