"""Run every scenario, print one table and write ``results.json``.

The order keeps the measurements apart: the turns (one server process at a time, the
references first), then the timers, the matching, ``audit verify`` on a large trail, and last
the memory in a fresh process.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks import audit, dashboards, matching, metrics, timers
from benchmarks.fake_slack import FakeSlack
from benchmarks.people import employee, write_directory
from benchmarks.pg import PostgresServer, PostgresUnavailable, start_server, stop_server
from benchmarks.report import Row, add_ratios, judge, latency_figures, row, table, write
from benchmarks.targets import SIGNING_SECRET, Target, start_echo, start_esmbot
from benchmarks.turns import Driver, client_session, describe_answers

SCENARIOS = ("turns", "timers", "matching", "audit", "metrics", "dashboards", "memory")


@dataclass(frozen=True)
class Plan:
    levels: tuple[int, ...]  # concurrent conversations
    dialogs: dict[int, int]  # dialogs each employee runs, per level
    think: tuple[float, float]  # seconds an employee of the paced load thinks before a line
    workers: tuple[int, ...]  # processes esmbot (and the aiohttp ceiling) run with
    timers_pending: int
    timers_due: int
    services: int
    queries: int
    memory_dialogs: int
    audit_requests: int  # requests with their trails for ``audit verify``
    metrics_requests: int = 100_000  # a year of requests (10 events each) for ``compute``
    dashboards_requests: int = 100_000  # the same year behind the dashboards' pages


FULL = Plan((50, 200, 1000), {50: 2, 200: 1, 1000: 1}, (1.0, 3.0), (1, 2), 100_000, 10_000,
            5_000, 1_000, 10_000, 100_000, 100_000)
QUICK = Plan((4, 16), {4: 1, 16: 1}, (0.05, 0.15), (1, 2), 1_000, 100, 500, 200, 100, 1_000,
             1_000, 1_000)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run(plan: Plan, output: Path, *, postgresql: bool = True,
              timers_postgresql: bool = False, scenarios: tuple[str, ...] = SCENARIOS
              ) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="esmbot-bench-"))
    pg: PostgresServer | None = None
    if postgresql and ("turns" in scenarios or "metrics" in scenarios
                       or ("timers" in scenarios and timers_postgresql)):
        try:
            pg = start_server()
            log(f"PostgreSQL started on port {pg.port}")
        except PostgresUnavailable as exc:
            log(f"no PostgreSQL rows: {exc}")
    rows: list[Row] = []
    try:
        if "turns" in scenarios:
            rows += await turn_rows(plan, work, pg)
        if "timers" in scenarios:
            rows += await timer_rows(plan, work, pg if timers_postgresql else None)
        if "matching" in scenarios:
            rows.append(matching_row(plan))
        if "audit" in scenarios:
            rows.append(await audit_row(plan, work))
        if "metrics" in scenarios:
            rows += await metrics_rows(plan, work, pg)
        if "dashboards" in scenarios:
            rows.append(await dashboards_row(plan, work))
        if "memory" in scenarios:
            rows.append(memory_row(plan, work))
    except BaseException:
        log(f"failed; server logs are kept in {work}")
        raise
    else:
        shutil.rmtree(work, ignore_errors=True)
    finally:
        if pg is not None:
            stop_server(pg)
    add_ratios(rows)
    judge(rows)
    write(rows, output)
    print(table(rows))
    print(f"\nwritten to {output}")
    return rows


# ------------------------------------------------------------------------------------ turns

async def turn_rows(plan: Plan, work: Path, pg: PostgresServer | None) -> list[Row]:
    directory = write_directory(work / "directory.toml", max(plan.levels) + 1)
    fake = await FakeSlack().start()
    starts: list[Callable[[], Awaitable[Target]]] = [
        *(partial(start_echo, work, fake.url, "aiohttp", n) for n in plan.workers),
        partial(start_echo, work, fake.url, "bolt"),
        *(partial(_esmbot_on_sqlite, work, fake.url, directory, n) for n in plan.workers)]
    if pg is not None:
        starts += [partial(_esmbot_on_postgresql, work, fake.url, directory, pg, n)
                   for n in plan.workers]
    rows: list[Row] = []
    try:
        for start in starts:
            target = await start()
            try:
                rows += await _load(target, fake, plan)
            finally:
                target.stop()
    finally:
        await fake.close()
    return rows


def _esmbot_on_sqlite(work: Path, api_url: str, directory: Path, workers: int
                      ) -> Awaitable[Target]:
    url = f"sqlite+aiosqlite:///{work / f'turns-{workers}.db'}"
    return start_esmbot(work, api_url, "sqlite", url, directory, workers)


def _esmbot_on_postgresql(work: Path, api_url: str, directory: Path, pg: PostgresServer,
                          workers: int) -> Awaitable[Target]:
    url = pg.create_database(f"bench_turns_{workers}")
    return start_esmbot(work, api_url, "postgresql", url, directory, workers)


async def _load(target: Target, fake: FakeSlack, plan: Plan) -> list[Row]:
    rows = []
    async with client_session(max(plan.levels)) as session:
        driver = Driver(target.events_url, fake, SIGNING_SECRET, session)
        answers = await driver.calibrate(employee(0), 2 if target.name == "esmbot" else 1)
        log(f"{target.name} ({target.store}, {target.workers}w): messages per turn "
            f"{describe_answers(answers)}")
        for scenario, think in (("turns", None), ("paced", plan.think)):
            for level in plan.levels:
                rows.append(await _level(target, fake, driver, plan, answers, scenario, level,
                                         think))
    return rows


async def _level(target: Target, fake: FakeSlack, driver: Driver, plan: Plan,
                 answers: list[list[int]], scenario: str, level: int,
                 think: tuple[float, float] | None) -> Row:
    cpu = target.cpu_seconds()
    result = await driver.load([employee(i) for i in range(1, level + 1)],
                               plan.dialogs[level], answers, think=think)
    cpu = target.cpu_seconds() - cpu
    await fake.settle()
    done = len(result.latencies)
    figures: Row = {"think_s": f"{think[0]:g}-{think[1]:g}"} if think else {}
    result_row = row(
        scenario, target.name, target.store, concurrency=level, workers=target.workers,
        throughput=round(result.throughput, 1), **latency_figures(result.latencies),
        turns=done, errors=result.errors, seconds=round(result.seconds, 1), **figures,
        server_cpu_ms_per_turn=round(cpu * 1000 / max(done, 1), 2),
        server_rss_mb=round(target.rss_mb(), 1))
    log(f"{target.name} ({target.store}, {target.workers}w) {scenario} x{level}: {done} turns, "
        f"{result.throughput:.1f}/s, p99 {result_row['p99_ms']} ms, {result.errors} errors")
    return result_row


# ----------------------------------------------------------------------------------- timers

async def timer_rows(plan: Plan, work: Path, pg: PostgresServer | None) -> list[Row]:
    stores: list[tuple[str, Callable[[], str]]] = [
        ("sqlite", lambda: f"sqlite+aiosqlite:///{work / 'timers.db'}")]
    if pg is not None:
        stores.append(("postgresql", lambda: pg.create_database("bench_timers")))
    rows = []
    for store, url in stores:
        figures = await timers.run(url(), pending=plan.timers_pending, due=plan.timers_due)
        rows.append(row("timers", "esmbot", store, throughput=figures["timers_per_s"],
                        seconds=figures["seconds"], ms_per_pass=figures["idle_ms_per_pass"],
                        pending=figures["pending"], due=figures["due"],
                        passes=figures["passes"], batch_size=figures["batch_size"]))
        log(f"timers ({store}): {figures}")
    return rows


# ---------------------------------------------------------------------- matching and memory

def matching_row(plan: Plan) -> Row:
    figures = matching.run(plan.services, plan.queries)
    log(f"matching: {figures}")
    return row("matching", "esmbot", "-", **figures)


async def audit_row(plan: Plan, work: Path) -> Row:
    figures = await audit.run(work / "audit.db", requests=plan.audit_requests)
    log(f"audit: {figures}")
    return row("audit", "esmbot", "sqlite", **figures)


async def metrics_rows(plan: Plan, work: Path, pg: PostgresServer | None) -> list[Row]:
    """The monthly (and yearly) figures of issue 19 over ``metrics_requests`` requests."""
    stores: list[tuple[str, Callable[[], str]]] = [
        ("sqlite", lambda: f"sqlite+aiosqlite:///{work / 'metrics.db'}")]
    if pg is not None:
        stores.append(("postgresql", lambda: pg.create_database("bench_metrics")))
    rows = []
    for store, url in stores:
        figures = await metrics.run(url(), requests=plan.metrics_requests)
        log(f"metrics ({store}): {figures}")
        rows.append(row("metrics", "esmbot", store, **figures))
    return rows


async def dashboards_row(plan: Plan, work: Path) -> Row:
    """The dashboards' server time (page and JSON) over ``dashboards_requests`` requests."""
    figures = await dashboards.run(f"sqlite+aiosqlite:///{work / 'dashboards.db'}",
                                   requests=plan.dashboards_requests)
    log(f"dashboards: {figures}")
    return row("dashboards", "esmbot", "sqlite", **figures)


def memory_row(plan: Plan, work: Path) -> Row:
    folder = work / "memory"
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--dialogs", str(plan.memory_dialogs),
         "--workdir", str(folder)], capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        raise RuntimeError(f"the memory scenario failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    log(f"memory: {figures}")
    return row("memory", "esmbot", "sqlite", **figures)


def main_async(plan: Plan, output: Path, *, postgresql: bool, timers_postgresql: bool,
               scenarios: tuple[str, ...]) -> list[Row]:
    return asyncio.run(run(plan, output, postgresql=postgresql,
                           timers_postgresql=timers_postgresql, scenarios=scenarios))
