"""Stream mode, spoken by esmbot itself over aiohttp (not the dingtalk-stream SDK; see the
package docstring for why).

1. ``POST {api}/v1.0/gateway/connections/open`` with clientId/clientSecret and the CALLBACK
   topics -> ``{"endpoint", "ticket"}``;
2. a WebSocket to ``endpoint?ticket=...`` (aiohttp's heartbeat pings it);
3. every frame is acknowledged at once (``frames``): SYSTEM ``ping`` echoed, SYSTEM
   ``disconnect`` acknowledged then the socket closed and opened anew, CALLBACK frames
   handed to ``on_callback`` (which parses, writes the event to the core's inbox and starts
   background work) and answered with its response; one whose inbox write failed
   (``NotTakenIn``) is not acknowledged at all, so that DingTalk delivers it again.

When the socket drops, a connection that had received frames is re-opened at once; failures
in a row wait 1, 2, 4 ... up to 60 s (with jitter). ``start`` opens the first connection
itself, so credentials DingTalk refuses stop start-up. ``stop`` ends it cleanly (it is our
own task: cancelling it works).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from adapters.dingtalk import frames
from adapters.dingtalk.frames import Frame
from adapters.kit.errors import SetupError
from adapters.kit.plumbing import NotTakenIn

log = logging.getLogger("esmbot.dingtalk.stream")
OPEN_PATH = "/v1.0/gateway/connections/open"
USER_AGENT = "esmbot/0.1 (aiohttp stream client)"
HEARTBEAT_SECONDS = 30.0
FIRST_DELAY, MOST_DELAY = 1.0, 60.0
CallbackHandler = Callable[[Frame], Awaitable[tuple[int, Any]]]


class GatewayError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Ticket:
    endpoint: str
    ticket: str

    @property
    def url(self) -> str:
        return f"{self.endpoint}?ticket={quote_plus(self.ticket)}"


def backoff(failures: int, first: float = FIRST_DELAY, most: float = MOST_DELAY) -> float:
    """Seconds to wait after ``failures`` failed connections in a row (0 after none)."""
    if failures <= 0:
        return 0.0
    return min(most, first * 2 ** min(failures - 1, 30)) * random.uniform(0.5, 1.0)


class StreamLink:
    def __init__(self, session: aiohttp.ClientSession, *, api_base_url: str, client_id: str,
                 client_secret: str, topics: Sequence[str], on_callback: CallbackHandler
                 ) -> None:
        self.session = session
        self.open_url = api_base_url.rstrip("/") + OPEN_PATH
        self.client_id = client_id
        self._client_secret = client_secret
        self.topics = tuple(topics)
        self.on_callback = on_callback
        self.connections = 0  # sockets opened so far (health and tests)
        self._stopping = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        ticket: Ticket | None = None
        try:
            ticket = await self.open()
        except GatewayError as exc:
            if exc.permanent:
                raise SetupError(
                    f"dingtalk.app_key / dingtalk.app_secret: the stream gateway refused them "
                    f"({exc})") from None
            log.warning("stream gateway not reachable yet (%s); retrying", exc)
        self._task = asyncio.create_task(self._run(ticket), name="dingtalk-stream")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def open(self) -> Ticket:
        """Register for a connection: where to connect, with which ticket."""
        body = {"clientId": self.client_id, "clientSecret": self._client_secret,
                "subscriptions": [{"type": frames.CALLBACK, "topic": t} for t in self.topics],
                "ua": USER_AGENT}
        try:
            async with self.session.post(self.open_url, json=body) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise GatewayError(f"{type(exc).__name__}: {exc}") from exc
        if status >= 400:
            raise GatewayError(f"HTTP {status}: {text[:200]}",
                               permanent=400 <= status < 500 and status != 429)
        try:
            answer = json.loads(text)
            return Ticket(str(answer["endpoint"]), str(answer["ticket"]))
        except (ValueError, KeyError, TypeError):
            raise GatewayError(f"no endpoint and ticket in {text[:200]!r}") from None

    async def _run(self, ticket: Ticket | None) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                ticket = ticket or await self.open()
                failures = 0 if await self._serve(ticket) else failures + 1
            except GatewayError as exc:
                failures += 1
                log.log(logging.ERROR if exc.permanent else logging.WARNING,
                        "stream gateway: %s", exc)
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                failures += 1
                log.warning("stream connection failed: %s: %s", type(exc).__name__, exc)
            except Exception:  # a bug must not end the link for good
                failures += 1
                log.exception("stream connection broke")
            ticket = None
            delay = backoff(failures)
            if delay:
                log.info("reconnecting to the DingTalk stream in %.1f s", delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)

    async def _serve(self, ticket: Ticket) -> bool:
        """Read frames until the socket closes; True if any arrived (it was working)."""
        received = False
        async with self.session.ws_connect(ticket.url, heartbeat=HEARTBEAT_SECONDS) as ws:
            self._ws = ws
            self.connections += 1
            log.info("DingTalk stream connected (%d)", self.connections)
            try:
                async for message in ws:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    received = True
                    if await self._answer(ws, message.data):
                        break
            finally:
                self._ws = None
        log.info("DingTalk stream closed")
        return received

    async def _answer(self, ws: aiohttp.ClientWebSocketResponse, text: str) -> bool:
        """Acknowledge one frame; True when the gateway asked us to reconnect."""
        try:
            frame = frames.parse(text)
        except frames.FrameError as exc:
            log.warning("not a stream frame (%s): %.200s", exc, text)
            return False
        if frame.type != frames.CALLBACK:
            await ws.send_json(frames.echo_ack(frame))
            return frame.type == frames.SYSTEM and frame.topic == frames.DISCONNECT
        try:
            code, response = await self.on_callback(frame)
        except NotTakenIn:
            log.warning("stream callback %s not acknowledged: the inbox could not take it; "
                        "DingTalk redelivers it", frame.topic)
            return False
        except Exception:
            log.exception("stream callback %s failed", frame.topic)
            code, response = 500, {}
        await ws.send_json(frames.callback_ack(frame, response, code))
        return False
