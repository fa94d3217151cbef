"""``python -m benchmarks --quick`` runs end to end and writes rows of the agreed shape.

No timing is asserted: the figures depend on the machine. PostgreSQL is left out to keep this
under half a minute; ``make bench`` covers it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMON = {"scenario", "target", "store", "concurrency", "throughput", "p50_ms", "p95_ms",
          "p99_ms", "ratio_to_ceiling"}


def test_a_quick_run_writes_every_scenario_with_the_common_keys(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--no-postgresql",
                           "--output", str(output)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(output.read_text(encoding="utf-8"))
    assert all(set(r) >= COMMON for r in rows)
    assert {r["scenario"] for r in rows} == {"turns", "paced", "timers", "matching", "audit",
                                             "metrics", "dashboards", "memory"}
    turns = [r for r in rows if r["scenario"] in ("turns", "paced")]
    assert {(r["scenario"], r["target"]) for r in turns} == {
        (scenario, target) for scenario in ("turns", "paced")
        for target in ("esmbot", "aiohttp", "bolt")}
    assert all(r["errors"] == 0 and r["turns"] > 0 for r in turns)
    assert all(r["think_s"] for r in turns if r["scenario"] == "paced")
    assert all(r["ratio_to_ceiling"] is not None for r in turns if r["target"] == "esmbot")
    memory = next(r for r in rows if r["scenario"] == "memory")
    assert memory["rss_mb"] > 0 and memory["dialogs"] > 0
    audit = next(r for r in rows if r["scenario"] == "audit")
    assert audit["requests"] > 0 and audit["events"] > audit["requests"]
    metrics = next(r for r in rows if r["scenario"] == "metrics")
    assert metrics["events"] == 10 * metrics["requests"] > 0
    assert metrics["month_seconds"] > 0 and metrics["year_seconds"] > 0
    dashboards = next(r for r in rows if r["scenario"] == "dashboards")
    assert dashboards["events"] == 10 * dashboards["requests"] > 0
    assert all(dashboards[f"{layer}_{what}_{when}_ms"] > 0
               for layer in ("efficiency", "quality", "compliance")
               for what in ("page", "json") for when in ("cold", "warm"))
    assert "scenario" in done.stdout  # the table was printed
