"""Planning the reports: a cron job per time zone (every replica, at ``[policies]
digest_time``) writes one ``report.weekly`` timer per recipient on Mondays and one
``report.monthly`` timer on the month's first working day, deduplicated by key
(``report.weekly:carol:2026-W48``), so N replicas and a second run still send one report."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.reports.audience import audiences
from bot.features.reports.commands import Cadence
from bot.features.reports.periods import covered, is_report_day
from bot.features.time.subjects import subject_of
from bot.metrics import compute as metrics  # the module: bot.metrics imports features
from bot.services import Services
from store import timers

KINDS: dict[Cadence, str] = {"weekly": "report.weekly", "monthly": "report.monthly"}


async def plan_reports(
    session: AsyncSession, services: Services, now: datetime, timezone: str
) -> int:
    """Write today's report timers for the recipients in ``timezone``; how many are new."""
    day = now.astimezone(ZoneInfo(timezone)).date()
    cadences = due_cadences(services, day)
    directory = services.bundle.directory
    written = 0
    for audience in audiences(services.bundle):
        person = directory.person(audience.person)
        if person is None or person.timezone != timezone:
            continue
        for cadence in cadences:
            written += await _plan(session, services, cadence, person.id, day, now)
    return written


def due_cadences(services: Services, day: date) -> list[Cadence]:
    """The reports switched on (``[reports] weekly/monthly``) whose day ``day`` is."""
    switched = services.settings.reports
    wanted: tuple[tuple[Cadence, bool], ...] = (("weekly", switched.weekly),
                                                ("monthly", switched.monthly))
    return [c for c, on in wanted if on and is_report_day(services, c, day)]


async def _plan(session: AsyncSession, services: Services, cadence: Cadence, person: str,
                day: date, now: datetime) -> int:
    label = covered(cadence, day, metrics.organisation_timezone(services)).label
    kind = KINDS[cadence]
    row = await timers.schedule(session, kind=kind, subject=subject_of("person", person),
                                due_at=now, now=now, recipient=person,
                                payload={"period": label},
                                dedupe_key=f"{kind}:{person}:{label}")
    return 1 if row is not None else 0
