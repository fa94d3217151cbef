"""Every figure asked for, for one period and cut: the one entry point of the metrics
(``esmbot metrics``, the chat reports and the dashboards all call ``compute``).

Each layer is a module with ``async def figures(session, services, period, cut, now)``:
``bot.metrics.efficiency``, ``bot.metrics.quality``, ``bot.metrics.compliance``. The cut is
applied by the layers with ``bot.metrics.cuts`` (``matches`` on a request's fact row,
``service_ids`` for rows that only know their service), so every layer cuts the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics import compliance, efficiency, quality
from bot.metrics.model import LAYERS, Cut, Figure, Period, Report
from bot.metrics.periods import previous
from bot.services import Services

EVERYTHING = Cut()  # no cut: every request
LayerFigures = Callable[[AsyncSession, Services, Period, Cut, datetime], Awaitable[list[Figure]]]

LAYER_FIGURES: dict[str, LayerFigures] = {
    "efficiency": efficiency.figures,
    "quality": quality.figures,
    "compliance": compliance.figures,
}


async def compute(
    session: AsyncSession, services: Services, period: Period, cut: Cut = EVERYTHING, *,
    layers: Sequence[str] = LAYERS, now: datetime, with_previous: bool = False,
) -> Report:
    """The figures of ``layers`` for ``period`` and ``cut``, in the order of the definitions;
    with ``with_previous`` the same for ``previous(period)`` as ``report.previous``."""
    figures: list[Figure] = []
    for layer in LAYERS:
        if layer in layers:
            figures.extend(await LAYER_FIGURES[layer](session, services, period, cut, now))
    before = None
    if with_previous:
        before = await compute(session, services, previous(period), cut, layers=layers, now=now)
    return Report(period=period, cut=cut, figures=tuple(figures), computed_at=now,
                  previous=before)


def organisation_timezone(services: Services) -> str:
    """The zone periods are read in: the default calendar's (``[policies] calendar``, else the
    first calendar of the calendars file), else ``[bot] timezone``."""
    calendars = services.bundle.calendars
    configured = services.settings.policies.calendar
    calendar = calendars.get(configured) if configured else next(iter(calendars.values()), None)
    return calendar.timezone if calendar else services.settings.bot.timezone
