"""The metrics and the console's boards import on their own, as `python -m benchmarks.metrics`
and any script reading figures do: bot.metrics imports the features (time), and the reports
feature imports bot.metrics back, so it must take the module, not names from a half-loaded one."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["bot.metrics.compute", "bot.console.board",
                                    "benchmarks.metrics", "benchmarks.dashboards"])
def test_a_module_that_reads_figures_imports_first(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
