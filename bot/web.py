"""The aiohttp application behind ``esmbot serve``, and the platforms attached to it.

Slow and noisy clients are bounded here, before any platform sees a request (``[server]``):
a connection whose request line and headers have not arrived ``header_timeout_seconds`` after
it opened (or after its previous response) is closed; a body that takes longer than
``body_timeout_seconds`` is answered 408; an idle kept-alive connection is closed after
``idle_timeout_seconds``; an address holding ``connections_per_client`` open connections has
further ones closed at once. Refusals are logged bounded (``adapters.kit.quiet_log``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_log import AccessLogger
from sqlalchemy import text

from adapters.kit.errors import SetupError
from adapters.kit.quiet_log import QuietLog
from adapters.registry import ADAPTERS
from bot.app import BotApp
from bot.console.app import mount_console
from bot.observability import metrics_handler
from bot.settings import ServerSettings, SettingsError
from chat import telemetry
from store.migrate import current, head

log = logging.getLogger("esmbot.web")
APP_KEY = web.AppKey("esmbot", BotApp)
MAX_BODY = 1024 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ConnectionLimits:
    header_seconds: float = 10.0
    body_seconds: float = 20.0
    idle_seconds: float = 30.0
    per_client: int = 100

    @classmethod
    def of(cls, server: ServerSettings) -> ConnectionLimits:
        return cls(server.header_timeout_seconds, server.body_timeout_seconds,
                   server.idle_timeout_seconds, server.connections_per_client)


class ConnectionGuard:
    """Open connections per address, and each connection's deadline for its next headers."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.open: Counter[str] = Counter()
        self.refusals = QuietLog(log)
        self._watched: dict[Any, _Watched] = {}  # transport -> its protocol

    def protocol(self, handler: asyncio.Protocol) -> asyncio.Protocol:
        return _Watched(self, handler)

    def admit(self, peer: str) -> bool:
        if self.open[peer] >= self.limits.per_client:
            telemetry.refused("http", telemetry.TOO_MANY_CONNECTIONS)
            self.refusals.warning(peer, f"more than {self.limits.per_client} open connections; "
                                        "closed a new one")
            return False
        self.open[peer] += 1
        return True

    def release(self, peer: str) -> None:
        self.open[peer] -= 1
        if self.open[peer] <= 0:
            del self.open[peer]

    def track(self, transport: Any, watched: _Watched) -> None:
        self._watched[transport] = watched

    def untrack(self, transport: Any) -> None:
        self._watched.pop(transport, None)

    def watched(self, transport: Any) -> _Watched | None:
        return self._watched.get(transport)


class _Watched(asyncio.Protocol):
    """aiohttp's protocol for one connection, closed when its headers are late."""

    def __init__(self, guard: ConnectionGuard, handler: asyncio.Protocol) -> None:
        self.guard = guard
        self.handler = handler
        self.peer = ""
        self.transport: asyncio.BaseTransport | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peername = transport.get_extra_info("peername")
        self.peer = str(peername[0]) if isinstance(peername, tuple) and peername else "?"
        if not self.guard.admit(self.peer):
            self.peer = ""
            transport.abort()  # type: ignore[attr-defined]
            return
        self.transport = transport
        self.guard.track(transport, self)
        self.handler.connection_made(transport)
        self.expect_headers()

    def expect_headers(self) -> None:
        """The next request's headers must come within ``header_seconds``."""
        self.cancel_deadline()
        if self.transport is not None:
            loop = asyncio.get_running_loop()
            self._deadline = loop.call_later(self.guard.limits.header_seconds, self._late)

    def cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _late(self) -> None:
        if self.transport is not None:
            telemetry.refused("http", telemetry.TOO_SLOW)
            self.guard.refusals.warning(self.peer, "request headers too slow; connection "
                                                   "closed")
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.transport is not None:
            self.handler.data_received(data)

    def eof_received(self) -> bool | None:
        return self.handler.eof_received() if self.transport is not None else None

    def pause_writing(self) -> None:
        if self.transport is not None:
            self.handler.pause_writing()

    def resume_writing(self) -> None:
        if self.transport is not None:
            self.handler.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is None:
            return
        self.cancel_deadline()
        self.guard.untrack(self.transport)
        self.guard.release(self.peer)
        self.transport = None
        self.handler.connection_lost(exc)


def bounded_requests(guard: ConnectionGuard) -> Callable[..., Awaitable[web.StreamResponse]]:
    """The middleware: headers are in (the deadline stops); the body must come in time."""

    @web.middleware
    async def bounded(request: web.Request, handler: Handler) -> web.StreamResponse:
        watched = guard.watched(request.transport)
        if watched is not None:
            watched.cancel_deadline()
        try:
            if request.can_read_body:
                try:
                    async with asyncio.timeout(guard.limits.body_seconds):
                        await request.read()
                except TimeoutError:
                    telemetry.refused("http", telemetry.TOO_SLOW)
                    guard.refusals.warning(request.remote or "?", "request body too slow")
                    return web.json_response({"error": "request body too slow"}, status=408,
                                             headers={"Connection": "close"})
            return await handler(request)
        finally:
            if watched is not None:
                watched.expect_headers()

    return bounded


async def healthz(request: web.Request) -> web.Response:
    """200 when the store answers, else 503; why goes to the log, never in the answer."""
    bot = request.app[APP_KEY]
    try:
        async with bot.db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the load balancer should take us out
        log.warning("healthz: the store does not answer (%s)", type(exc).__name__)
        return web.json_response({"status": "unhealthy"}, status=503)
    return web.json_response({
        "status": "ok",
        "services": len(bot.bundle.catalog.services),
        "channels": sorted(bot.channels),
    })


async def readyz(request: web.Request) -> web.Response:
    """Ready for traffic: the database answers and is at this code's schema, and every enabled
    platform has its channel. 503 with what is not ready (never a host, port or error text)."""
    bot = request.app[APP_KEY]
    checks = {"database": await _database_state(bot)}
    for adapter in ADAPTERS:
        if getattr(bot.settings, adapter.settings_key).enabled:
            checks[adapter.name] = "ok" if adapter.name in bot.channels else "not attached"
    ready = all(state == "ok" for state in checks.values())
    return web.json_response({"status": "ready" if ready else "not ready", "checks": checks,
                              "services": len(bot.bundle.catalog.services),
                              "reload_generation": bot.loaded_generation},
                             status=200 if ready else 503)


async def _database_state(bot: BotApp) -> str:
    try:
        revision = await current(bot.db.engine)
    except Exception:
        log.warning("readiness: the database did not answer", exc_info=True)
        return "unreachable"
    return "ok" if revision == head() else f"schema {revision or 'empty'}, needs {head()}"


GUARD_KEY = web.AppKey("esmbot.connections", ConnectionGuard)


def make_web_app(bot: BotApp) -> web.Application:
    guard = ConnectionGuard(ConnectionLimits.of(bot.settings.server))
    app = web.Application(client_max_size=MAX_BODY, middlewares=[bounded_requests(guard)])
    app[APP_KEY] = bot
    app[GUARD_KEY] = guard
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    metrics = bot.settings.metrics
    if metrics.enabled:
        app.router.add_get("/metrics", metrics_handler(
            bot.db, bot.services.clock, username=metrics.username,
            password=metrics.password.get_secret_value()))
    mount_console(bot, app)
    return app


class GuardedSite(web.TCPSite):
    """``TCPSite`` whose connections go through the app's ``ConnectionGuard``."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, *,
                 reuse_port: bool | None = None) -> None:
        super().__init__(runner, host, port, reuse_port=reuse_port)
        self.guard = runner.app[GUARD_KEY]

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        self._server = await asyncio.get_running_loop().create_server(
            lambda: self.guard.protocol(server()), self._host, self._port,
            backlog=self._backlog, reuse_port=self._reuse_port)
        self._bound_port = self._server.sockets[0].getsockname()[1]


class BoundedAccessLog(AccessLogger):
    """aiohttp's access log, but a refused request (4xx) is logged once per address and
    minute: a stranger's flood of bad requests adds a line a minute, not a line each."""

    refused = QuietLog(logging.getLogger("aiohttp.access"))

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if 400 <= response.status < 500 and \
                self.refused.admit(request.remote or "?") is None:
            return
        super().log(request, response, time)


def runner_options(web_app: web.Application) -> dict[str, Any]:
    """How ``esmbot serve`` runs the app (tests' servers take the same)."""
    return {"keepalive_timeout": web_app[GUARD_KEY].limits.idle_seconds,
            "access_log_class": BoundedAccessLog}


async def start_serving(web_app: web.Application, host: str, port: int, *,
                        reuse_port: bool | None = None) -> tuple[web.AppRunner, GuardedSite]:
    """The app listening on ``host:port`` with the ``[server]`` limits; cleanup the runner to
    stop."""
    runner = web.AppRunner(web_app, **runner_options(web_app))
    await runner.setup()
    site = GuardedSite(runner, host, port, reuse_port=reuse_port)
    await site.start()
    return runner, site


async def attach_channels(bot: BotApp, web_app: web.Application) -> None:
    """Start the enabled platforms; HTTP ones mount their routes on ``web_app``."""
    for adapter in ADAPTERS:
        section = getattr(bot.settings, adapter.settings_key)
        if not section.enabled:
            continue
        try:
            await adapter.attach(bot, web_app, section)
        except SetupError as exc:
            raise SettingsError(str(exc)) from None
