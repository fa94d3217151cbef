"""Rows of ``results.json`` and the printed table.

Every row has the common keys (``scenario``, ``target``, ``store``, ``concurrency``,
``throughput``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``ratio_to_ceiling``; null where they do not
apply) plus the scenario's own figures, and ``goal``/``goal_met`` where the issue sets a target.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.matching import percentile

Row = dict[str, Any]
COMMON = ("scenario", "target", "store", "concurrency", "throughput", "p50_ms", "p95_ms",
          "p99_ms", "ratio_to_ceiling")
GOAL_P99_MS = 100.0  # paced turns at GOAL_CONCURRENCY concurrent conversations on SQLite
GOAL_CONCURRENCY = 200
GOAL_RATIO = 0.25  # esmbot throughput / bare aiohttp throughput
GOAL_TIMER_SECONDS = 5.0  # for GOAL_TIMERS_DUE timers due at once
GOAL_TIMERS_DUE = 10_000
GOAL_MATCH_P99_MS = 10.0  # over GOAL_SERVICES services
GOAL_SERVICES = 5_000
GOAL_RSS_MB = 300.0  # with GOAL_DIALOGS open dialogs
GOAL_DIALOGS = 10_000
TURN_SCENARIOS = ("turns", "paced")


def row(scenario: str, target: str, store: str, **figures: Any) -> Row:
    base: Row = dict.fromkeys(COMMON)
    base.update(scenario=scenario, target=target, store=store)
    base.update(figures)
    return base


def latency_figures(latencies: Sequence[float]) -> dict[str, float | None]:
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    return {f"p{p}_ms": round(percentile(list(latencies), p) * 1000, 1) for p in (50, 95, 99)}


def add_ratios(rows: list[Row]) -> None:
    """``ratio_to_ceiling``: throughput / the aiohttp row's of the same scenario, concurrency
    and number of worker processes (for the paced load: how much of the offered load was kept
    up with)."""
    ceilings = {_ceiling_key(r): r["throughput"] for r in rows
                if r["scenario"] in TURN_SCENARIOS and r["target"] == "aiohttp"}
    for r in rows:
        ceiling = ceilings.get(_ceiling_key(r))
        if r["scenario"] in TURN_SCENARIOS and r["target"] != "aiohttp" and ceiling:
            r["ratio_to_ceiling"] = round(r["throughput"] / ceiling, 3)


def _ceiling_key(r: Row) -> tuple[str, int, int]:
    return r["scenario"], r["concurrency"], r.get("workers") or 1


def judge(rows: list[Row]) -> None:
    """Set ``goal``/``goal_met`` on the rows the issue's targets are about."""
    for r in rows:
        goal, met = _goal(r)
        if goal:
            r["goal"], r["goal_met"] = goal, met


def _goal(r: Row) -> tuple[str | None, bool | None]:
    """Throughput is judged on the closed loop (the most the employees can ask for), latency
    at people's pace: in a closed loop the mean latency is concurrency / throughput whatever
    the server (Little's law), so 200 conversations under 100 ms would need 2,000 turns/s."""
    if r["scenario"] == "turns" and r["target"] == "esmbot":
        if r["ratio_to_ceiling"] is None:
            return None, None
        return f"ratio>={GOAL_RATIO}", r["ratio_to_ceiling"] >= GOAL_RATIO
    if r["scenario"] == "paced" and r["target"] == "esmbot" and r["store"] == "sqlite" \
            and r["concurrency"] == GOAL_CONCURRENCY:
        return f"p99<{GOAL_P99_MS:.0f}ms", (r["p99_ms"] or float("inf")) < GOAL_P99_MS
    # the other targets are about the sizes; a quick run is not judged on them
    if r["scenario"] == "timers" and r["due"] == GOAL_TIMERS_DUE:
        return f"<{GOAL_TIMER_SECONDS:.0f}s", r["seconds"] < GOAL_TIMER_SECONDS
    if r["scenario"] == "matching" and r["services"] == GOAL_SERVICES:
        return f"p99<{GOAL_MATCH_P99_MS:.0f}ms", r["p99_ms"] < GOAL_MATCH_P99_MS
    if r["scenario"] == "memory" and r["dialogs"] + r["failed"] == GOAL_DIALOGS:
        return f"<{GOAL_RSS_MB:.0f}MB", r["rss_mb"] < GOAL_RSS_MB
    return None, None


def write(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


COLUMNS = (("scenario", 8), ("target", 7), ("store", 10), ("w", 2), ("conc", 5),
           ("throughput", 10),
           ("p50 ms", 8), ("p95 ms", 8), ("p99 ms", 8), ("ratio", 6), ("figures", 44),
           ("goal", 22))
EXTRA = {
    "turns": ("turns", "errors", "server_cpu_ms_per_turn"),
    "paced": ("turns", "errors", "think_s", "server_cpu_ms_per_turn"),
    "timers": ("seconds", "ms_per_pass", "pending", "due", "passes"),
    "matching": ("services", "queries", "intake_p99_ms"),
    "audit": ("requests", "events", "full_seconds", "since_seconds"),
    "metrics": ("requests", "events", "month_seconds", "year_seconds"),
    "memory": ("rss_mb", "dialogs", "failed", "baseline_rss_mb", "seconds"),
}


def table(rows: Sequence[Row]) -> str:
    lines = [" ".join(name.ljust(width) for name, width in COLUMNS)]
    lines.append(" ".join("-" * width for _, width in COLUMNS))
    for r in rows:
        extra = " ".join(f"{k}={_fmt(r.get(k))}" for k in EXTRA.get(r["scenario"], ())
                         if r.get(k) is not None)
        goal = ""
        if r.get("goal"):
            goal = f"{'MET' if r['goal_met'] else 'MISSED'} {r['goal']}"
        cells = (r["scenario"], r["target"], r["store"], _fmt(r.get("workers")),
                 _fmt(r["concurrency"]),
                 _fmt(r["throughput"]), _fmt(r["p50_ms"]), _fmt(r["p95_ms"]), _fmt(r["p99_ms"]),
                 _fmt(r["ratio_to_ceiling"]), extra, goal)
        lines.append(" ".join(str(c).ljust(width) for c, (_, width) in zip(cells, COLUMNS,
                                                                            strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
