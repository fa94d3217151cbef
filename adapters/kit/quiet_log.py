"""Log lines that a stranger can cause, bounded: one line per source every ``every`` seconds.

An unauthenticated request (a wrong signature, a malformed body, too many connections) is
logged so an operator can see it happen, but a flood of them must not fill the disk: a line
names the source (its address) and a short reason, never the body; within ``every`` seconds
the same source is counted, not logged, and the count goes in its next line. Over all sources
at most ``per_period`` lines are written every ``every`` seconds. Pure but for the logger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

REASON_LIMIT = 160  # characters of a reason that reach the log
MAX_SOURCES = 4096  # remembered sources; beyond, the oldest period is forgotten


@dataclass
class _Period:
    started: float
    lines: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    logged: set[str] = field(default_factory=set)


class QuietLog:
    def __init__(self, logger: logging.Logger, *, every: float = 60.0, per_period: int = 20,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.every = every
        self.per_period = per_period
        self.clock = clock
        self._period = _Period(clock())
        self._carried: dict[str, int] = {}  # counted in an earlier period, not yet logged

    def warning(self, source: str, reason: str) -> bool:
        """Log ``reason`` for ``source`` unless it was logged in this period; True if logged."""
        earlier = self.admit(source)
        if earlier is None:
            return False
        also = f" ({earlier} more from it before)" if earlier else ""
        self.logger.warning("%s: %s%s", _bounded(source, 64), _bounded(reason, REASON_LIMIT),
                            also)
        return True

    def admit(self, source: str) -> int | None:
        """None when ``source`` must not be logged now; else how many of its lines were
        skipped since it was last logged (the caller writes the line)."""
        period = self._current()
        source = _bounded(source, 64)
        if source in period.logged or period.lines >= self.per_period:
            period.skipped[source] = period.skipped.get(source, 0) + 1
            return None
        period.logged.add(source)
        period.lines += 1
        return self._carried.pop(source, 0)

    def _current(self) -> _Period:
        now = self.clock()
        if now - self._period.started < self.every and len(self._period.logged) < MAX_SOURCES:
            return self._period
        carried = {**self._carried, **self._period.skipped}
        self._carried = dict(list(carried.items())[-MAX_SOURCES:])
        self._period = _Period(now)
        return self._period


def _bounded(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, printable."""
    flat = "".join(c if c.isprintable() else "?" for c in text[: limit + 1])
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

