"""What a person's report holds: one part per service they own (quality, cut by that service),
per group they lead (efficiency, cut by that group, with the tasks at risk and their requests)
and, for governance, the organisation's compliance figures; each with the previous period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.reports.audience import Audience
from bot.metrics import compute as metrics  # the module: bot.metrics imports features
from bot.metrics.model import Cut, Period, Report
from bot.services import Services
from store import tasks
from store.requests import format_request_id

AT_RISK_SHOWN = 10


@dataclass(frozen=True)
class Part:
    layer: str  # efficiency | quality | compliance
    subject: str  # the service (quality), the group (efficiency), "" (compliance)
    report: Report
    at_risk: tuple[tuple[str, str], ...] = ()  # (TASK-n, REQ-m), efficiency only


async def gather(session: AsyncSession, services: Services, audience: Audience,
                 period: Period, now: datetime) -> tuple[Part, ...]:
    """Every part of ``audience``'s report for ``period``, in the order quality, efficiency,
    compliance."""

    async def report(layer: str, cut: Cut) -> Report:
        return await metrics.compute(session, services, period, cut, layers=(layer,), now=now,
                             with_previous=True)

    parts = [Part("quality", s, await report("quality", Cut(service=s)))
             for s in audience.services]
    for group in audience.groups:
        efficiency = await report("efficiency", Cut(group=group))
        at_risk = await at_risk_with_requests(session, efficiency)
        parts.append(Part("efficiency", group, efficiency, at_risk))
    if audience.governance:
        parts.append(Part("compliance", "", await report("compliance", Cut())))
    return tuple(parts)


async def at_risk_with_requests(session: AsyncSession, report: Report
                                ) -> tuple[tuple[str, str], ...]:
    """The first tasks at risk, each with the request it belongs to."""
    figure = report.figure("tasks_at_risk")
    found = []
    for item in (figure.items if figure else ())[:AT_RISK_SHOWN]:
        task = await tasks.get_task(session, task_id=tasks.parse_task_id(item) or 0)
        found.append((item, format_request_id(task.request_id) if task else "-"))
    return tuple(found)
