"""Operational counters for the people who run esmbot, served as Prometheus ``/metrics``
(prometheus-client's text format). Not the ESM metrics of METRICS.md: those are about the
organisation's requests; these are about the process.

Counters and histograms live in prometheus-client's process-wide registry and are moved where
things happen (the pipeline counts turns). What the store knows (outbox, timers) is read at
each scrape into a registry of its own, so replicas report what they see of the shared
database. The event loop's lag is sampled by ``watch_loop_lag``.

``/metrics`` is not public by default: with ``[metrics] username`` and ``password`` set it asks
for HTTP basic auth; without them it answers only clients on loopback (a Prometheus on the
same host, or a sidecar).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from store.db import Database
from store.stats import StoreStats, read_stats

TURNS = Counter("esmbot_turns_total", "Inbound events handled, by channel and outcome",
                ["channel", "outcome"])
TURN_SECONDS = Histogram("esmbot_turn_seconds", "Time to handle one inbound event", ["channel"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LOOP_LAG = Gauge("esmbot_event_loop_lag_seconds",
                 "How late the event loop ran a callback scheduled to run at once")
LAG_INTERVAL = 1.0  # seconds between two samples of the loop's lag


def scrape_registry(stats: StoreStats) -> CollectorRegistry:
    """The store's figures at this moment, as gauges of a registry made for one scrape."""
    registry = CollectorRegistry()
    outbox = Gauge("esmbot_outbox_rows", "Outbox rows by state", ["state"], registry=registry)
    for state, count in stats.outbox.items():
        outbox.labels(state).set(count)
    Gauge("esmbot_outbox_oldest_undelivered_seconds",
          "Age of the oldest outbox row not yet delivered", registry=registry).set(
        stats.oldest_undelivered_seconds)
    Gauge("esmbot_timers_due", "Timers due and not yet fired", registry=registry).set(
        stats.timers_due)
    Gauge("esmbot_sweeper_lag_seconds", "How long the most overdue timer has waited",
          registry=registry).set(stats.oldest_due_seconds)
    return registry


def metrics_handler(db: Database, clock: Callable[[], datetime], *, username: str,
                    password: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        refusal = _refusal(request, username, password)
        if refusal is not None:
            return refusal
        now = clock()
        async with db.unit_of_work() as uow:
            stats = await read_stats(uow.session, now=now)
        body = generate_latest(REGISTRY) + generate_latest(scrape_registry(stats))
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
    return handle


def _refusal(request: web.Request, username: str, password: str) -> web.Response | None:
    if username and password:
        if _basic_auth_ok(request.headers.get("Authorization", ""), username, password):
            return None
        return web.Response(status=401, text="basic auth required\n",
                            headers={"WWW-Authenticate": 'Basic realm="esmbot metrics"'})
    peer = request.remote or ""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return web.Response(status=403, text="metrics are served to loopback only; set [metrics] "
                                         "username and password to scrape from elsewhere\n")


def _basic_auth_ok(header: str, username: str, password: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    user, _, secret = given.partition(":")
    return hmac.compare_digest(user, username) & hmac.compare_digest(secret, password)


def _resolve(future: asyncio.Future[float]) -> None:
    if not future.done():
        future.set_result(time.perf_counter())


async def watch_loop_lag(stop: asyncio.Event) -> None:
    """Sample the loop's lag every ``LAG_INTERVAL`` until ``stop``."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        scheduled = time.perf_counter()
        ran: asyncio.Future[float] = loop.create_future()
        loop.call_soon(_resolve, ran)
        LOOP_LAG.set(max(0.0, await ran - scheduled))
        try:
            await asyncio.wait_for(stop.wait(), LAG_INTERVAL)
        except TimeoutError:
            continue
