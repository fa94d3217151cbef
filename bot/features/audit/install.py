"""Wire the audit trail's daily anchor into a running bot: one cron job per replica, which plans
one ``audit.anchor`` timer a day (its dedupe key keeps it to one across replicas)."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger

from bot.features.audit.anchor import plan_daily_anchor
from bot.features.time.install import RunningBot

ANCHOR_JOB = "audit-anchor"


def add_anchor_job(app: RunningBot) -> None:
    """Five past midnight in the organisation's time zone, every day."""
    zone = app.settings.bot.timezone
    app.scheduler.add_job(
        plan_daily_anchor, CronTrigger(hour=0, minute=5, timezone=zone),
        args=[app.db, app.services], id=ANCHOR_JOB, replace_existing=True, coalesce=True,
        max_instances=1, misfire_grace_time=3600)
