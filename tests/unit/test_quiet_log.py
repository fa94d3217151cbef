"""A stranger's flood of refusals becomes a line per address and period, with a count."""

from __future__ import annotations

import logging

import pytest

from adapters.kit.quiet_log import QuietLog


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_one_line_per_source_and_period_then_the_count(caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    clock = Clock()
    quiet = QuietLog(logging.getLogger("test.quiet"), every=60, per_period=3, clock=clock)
    with caplog.at_level(logging.WARNING):
        written = [quiet.warning("10.0.0.1", "bad signature") for _ in range(50)]
        assert written.count(True) == 1
        for n in range(10):  # many sources: at most per_period lines in the period
            quiet.warning(f"10.0.1.{n}", "bad signature\n" + "x" * 5000)
        clock.now = 61
        assert quiet.warning("10.0.0.1", "bad signature")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4
    assert lines[-1] == "10.0.0.1: bad signature (49 more from it before)"
    assert all(len(line) < 250 and "\n" not in line for line in lines)
