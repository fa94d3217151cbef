"""The values every surface of the metrics shares: a period, a cut, a figure, a report.

A figure is one metric of METRICS.md for one period and cut. Its ``key`` names the definition
(``bot.metrics.definitions``), whose text in both languages is shown next to the figure. Rates
carry numerator and denominator (``value`` None when the denominator is 0: "n/a", never 0 %);
durations carry wall-clock and business-hour statistics; breakdowns (by service, group,
approver, reason...) are figures of the same shape keyed by what they break down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

LAYERS = ("efficiency", "quality", "compliance")
UNITS = ("rate", "hours", "count", "score", "check")


@dataclass(frozen=True)
class Period:
    """``[start, end)``, aware datetimes; ``label`` as people wrote it: "2026-11", "2026-W48",
    or "2026-11-03..2026-11-17"."""

    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class Cut:
    """Which requests a figure counts. ``service``: a service id; ``service_department``: the
    catalog department of the service; ``group``: requests with at least one task of that
    fulfilment group; ``requester_department``: the requester's directory department."""

    service: str | None = None
    service_department: str | None = None
    group: str | None = None
    requester_department: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"service": self.service, "service_department": self.service_department,
                "group": self.group, "requester_department": self.requester_department}


@dataclass(frozen=True)
class Stats:
    """Hours: ``mean``, ``median`` (the middle value, or the mean of the two middle ones) and
    ``p90`` (nearest rank: the ceil(0.9 n)-th smallest); all None when ``count`` is 0."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Figure:
    key: str  # e.g. "completion_time"; see bot.metrics.definitions.DEFINITIONS
    layer: str  # efficiency | quality | compliance
    unit: str  # rate | hours | count | score | check
    value: float | None = None  # rate: numerator / denominator; count; score: mean; check: 1/0
    numerator: int | None = None
    denominator: int | None = None
    wall: Stats | None = None  # hours: wall-clock statistics
    business: Stats | None = None  # hours: business hours on the service's calendar
    parts: Mapping[str, float | int | None] = field(default_factory=dict)  # named sub-values:
    # a distribution ({"1": 0, ..., "5": 3}), stages ({"approval": 12.5, ...}), statuses...
    by: Mapping[str, Mapping[str, Figure]] = field(default_factory=dict)  # dimension -> key ->
    # the same figure for that service / group / approver / reason / kind / age bucket
    items: tuple[str, ...] = ()  # the requests or tasks behind it ("REQ-4", "TASK-9")


@dataclass(frozen=True)
class Report:
    """Every figure asked for, for one period and cut; ``previous``: the same for the period
    before it (same length) when asked for, to show the change (↑/↓)."""

    period: Period
    cut: Cut
    figures: tuple[Figure, ...]
    computed_at: datetime
    previous: Report | None = None

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)
