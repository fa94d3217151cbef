"""The report cron jobs: one per time zone in the directory, at ``digest_time`` local time,
in every replica (the timers they write are deduplicated)."""

from __future__ import annotations

from bot.features.reports.planning import plan_reports
from bot.features.time.install import RunningBot, add_zone_jobs


def add_report_jobs(app: RunningBot) -> None:
    if app.settings.reports.weekly or app.settings.reports.monthly:
        add_zone_jobs(app, "report", plan_report_timers)


async def plan_report_timers(app: RunningBot, zone: str) -> int:
    """The cron job: today's report timers for ``zone`` (deduplicated across replicas)."""
    async with app.db.unit_of_work() as uow:
        return await plan_reports(uow.session, app.services, app.services.clock(), zone)
