"""The dashboards' server time over a year of history: the year of ``benchmarks.metrics``
(100,000 requests, 1,000,000 audit events), esmbot's web app served for real on loopback, an
``esm-admin`` signed in (every request in every figure: the heaviest view), and each dashboard
asked for a month: the HTML page and the metrics JSON timed separately (each for its own
month), as the browser fetches them (a request, its whole answer read); "cold" is the first
look (the board computed), "warm" the median of the next looks (the board kept while the
trail has not moved: bot/console/board_cache.py).

    python -m benchmarks.dashboards --requests 100000 [--postgresql URL]
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks import metrics
from bot.metrics.model import LAYERS
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle
from org.model import Role
from store.db import Database

ADMIN = "leo"
MONTH = "2026-06"
JSON_MONTH = "2026-07"
RUNS = 5
GOAL_MS = 300.0
SECRET = "a-bench-session-secret-long-enough"
_PRE = re.compile(r'<form id="signin-link".*?name="([^"]+)" value="([^"]*)"', re.S)


def admin_bundle() -> Bundle:
    """The demo organisation (the services and groups the year is made of), ``ADMIN`` in the
    reserved role esm-admin."""
    bundle = load_bundle(*demo_paths())
    roles = {**bundle.directory.roles, "esm-admin": Role("esm-admin", (ADMIN,))}
    return replace(bundle, directory=replace(bundle.directory, roles=roles))


async def signed_in(http: aiohttp.ClientSession, base: str, token: str) -> None:
    """What a browser does with a sign-in link: open it, post its form (cookie kept)."""
    async with http.get(f"{base}/console/signin/{token}") as page:
        found = _PRE.search(await page.text())
    assert found, "the sign-in page has no form"
    async with http.post(f"{base}/console/signin/{token}",
                         data={found.group(1): found.group(2)},
                         allow_redirects=False) as answer:
        assert answer.status == 303, answer.status


async def timed_get(http: aiohttp.ClientSession, url: str) -> float:
    started = time.perf_counter()
    async with http.get(url) as answer:
        await answer.read()
        assert answer.status == 200, (url, answer.status)
    return (time.perf_counter() - started) * 1000


async def measure(http: aiohttp.ClientSession, url: str) -> dict[str, float]:
    """The first answer (the board computed: nothing kept yet for this period) and the median
    of the next ``RUNS`` (the board kept, the trail unchanged)."""
    cold = await timed_get(http, url)
    times = [await timed_get(http, url) for _ in range(RUNS)]
    return {"cold_ms": round(cold, 1), "warm_ms": round(statistics.median(times), 1)}


async def run(url: str, *, requests: int) -> dict[str, Any]:
    from bot.app import build_app
    from bot.settings import Settings
    from bot.web import make_web_app, start_serving
    from devtools.postgres import free_port
    from store import console

    db = await Database.open(url, migrate=True)
    try:
        events = await metrics.build(db, requests)
    finally:
        await db.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = await build_app(Settings.model_validate({
        "store": {"url": url},
        "web": {"enabled": True, "public_url": base, "session_secret": SECRET}}),
        bundle=admin_bundle())
    runner, _site = await start_serving(make_web_app(app), "127.0.0.1", port)
    figures: dict[str, Any] = {"requests": requests, "events": events, "period": MONTH}
    try:
        async with app.db.unit_of_work() as uow:
            token = await console.issue_link(uow.session, person_id=ADMIN,
                                             now=app.services.clock())
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await signed_in(http, base, token)
            for layer in LAYERS:  # another month for the JSON: its board is not kept yet
                page = await measure(http, f"{base}/console/dashboard/{layer}?period={MONTH}")
                data = await measure(http, f"{base}/console/api/metrics?layer={layer}"
                                           f"&period={JSON_MONTH}")
                for what, shown in (("page", page), ("json", data)):
                    figures[f"{layer}_{what}_cold_ms"] = shown["cold_ms"]
                    figures[f"{layer}_{what}_warm_ms"] = shown["warm_ms"]
    finally:
        await runner.cleanup()
        await app.close()
    cold = max(v for k, v in figures.items() if k.endswith("_cold_ms"))
    warm = max(v for k, v in figures.items() if k.endswith("_warm_ms"))
    figures.update(goal=f"< {GOAL_MS:.0f} ms per page and per JSON",
                   goal_met=cold < GOAL_MS, goal_met_cold=cold < GOAL_MS,
                   goal_met_warm=warm < GOAL_MS)
    return figures


def main() -> None:
    metrics.command_line("python -m benchmarks.dashboards", __doc__,
                         Path("/tmp/esmbot-bench-dashboards.db"), run)


if __name__ == "__main__":
    main()
