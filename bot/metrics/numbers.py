"""The arithmetic every figure shares: statistics of durations and rates, one way.

``stats`` follows ``Stats``: mean, median (the middle value, or the mean of the two middle
ones) and p90 by nearest rank (the ceil(0.9 n)-th smallest); all None for no values.
``rate`` is numerator / denominator, None (shown "n/a") when the denominator is 0.
Hours are rounded to 4 decimals where a figure is written out (``hours``), not here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from bot.metrics.model import Figure, Stats

HOUR = 3600.0
EMPTY = Stats(count=0, mean=None, median=None, p90=None)


def stats(values: Iterable[float]) -> Stats:
    """Mean, median and p90 (nearest rank) of ``values``; EMPTY when there are none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return EMPTY
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Stats(count=n, mean=sum(ordered) / n, median=median, p90=nearest_rank(ordered, 0.9))


def nearest_rank(ordered: list[float], share: float) -> float:
    """The ceil(share * n)-th smallest of the sorted, non-empty ``ordered``."""
    rank = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def hours_stats(seconds: Iterable[float]) -> Stats:
    """``stats`` of durations given in seconds, in hours."""
    return stats(s / HOUR for s in seconds)


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def rate_figure(key: str, layer: str, numerator: int, denominator: int, *,
                by: Mapping[str, Mapping[str, Figure]] | None = None,
                items: tuple[str, ...] = (),
                parts: Mapping[str, float | int | None] | None = None) -> Figure:
    """A ``rate`` figure: value None when the denominator is 0."""
    return Figure(key=key, layer=layer, unit="rate", value=rate(numerator, denominator),
                  numerator=numerator, denominator=denominator, by=by or {}, items=items,
                  parts=parts or {})


def count_figure(key: str, layer: str, count: int, *,
                 by: Mapping[str, Mapping[str, Figure]] | None = None,
                 items: tuple[str, ...] = (),
                 parts: Mapping[str, float | int | None] | None = None) -> Figure:
    return Figure(key=key, layer=layer, unit="count", value=float(count), by=by or {},
                  items=items, parts=parts or {})


def hours_figure(key: str, layer: str, wall_seconds: Iterable[float],
                 business_seconds: Iterable[float], *,
                 by: Mapping[str, Mapping[str, Figure]] | None = None,
                 parts: Mapping[str, float | int | None] | None = None,
                 items: tuple[str, ...] = ()) -> Figure:
    """An ``hours`` figure from durations in seconds: value = the wall-clock mean (None when
    nothing was measured)."""
    wall = hours_stats(wall_seconds)
    business = hours_stats(business_seconds)
    return Figure(key=key, layer=layer, unit="hours", value=wall.mean, wall=wall,
                  business=business, by=by or {}, parts=parts or {}, items=items)


def rounded(value: float | None, places: int = 4) -> float | None:
    """For JSON: hours and rates to 4 decimals."""
    return None if value is None else round(value, places)
