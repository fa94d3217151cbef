"""What every platform channel does with inbound events and at stop, written once.

A platform request is answered only once its event is in the core's inbox: ``accept`` writes
it (``adapters.kit.host.Inbox.take_in``) and raises ``NotTakenIn`` when it could not, so the
adapter answers an error (HTTP 5xx, no stream or socket ACK) and the platform retries. The
turn then runs in a tracked background task (``prepare``, then ``Inbox.process``); the tasks
are awaited when the channel stops, after the closers registered with ``on_stop`` (the last
registered runs first). A sink that is a plain function (a test's) takes everything in.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from adapters.kit.background import BackgroundTasks
from adapters.kit.host import Inbox
from chat.channel import EventSink
from chat.events import InboundEvent
from chat.telemetry import STORE_UNAVAILABLE, refused

Closer = Callable[[], Awaitable[None]]
log = logging.getLogger("esmbot.adapters")


class NotTakenIn(Exception):
    """The event could not be written to the inbox: answer the platform with an error."""


class _PlainSink:
    """A sink without an inbox: every event is new, and processing is calling the sink."""

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink

    async def __call__(self, event: InboundEvent) -> None:
        await self._sink(event)

    async def take_in(self, event: InboundEvent) -> bool:
        return True

    async def process(self, event: InboundEvent) -> None:
        await self._sink(event)


class Plumbing:
    """The inbound half of a channel: the core's inbox, background tasks and closers."""

    def __init__(self, channel: str) -> None:
        self.tasks = BackgroundTasks(channel)
        self._inbox: Inbox | None = None
        self._closers: list[Closer] = []

    async def start(self, sink: EventSink) -> None:
        self._inbox = sink if isinstance(sink, Inbox) else _PlainSink(sink)

    async def stop(self) -> None:
        for close in reversed(self._closers):
            await close()
        await self.tasks.join()

    def on_stop(self, close: Closer) -> None:
        """Run ``close`` when the channel stops (before in-flight events are awaited)."""
        self._closers.append(close)

    async def accept(self, event: InboundEvent) -> None:
        """Write ``event`` to the inbox, then process it in a tracked background task; a
        redelivery of a processed event is only found. Raises ``NotTakenIn``: do not acknowledge."""
        inbox = self._inbox
        if inbox is None:
            raise NotTakenIn(f"{self.tasks.channel} is not started")
        try:
            fresh = await inbox.take_in(event)
        except Exception as exc:  # one line, no traceback: an outage would flood the log
            log.warning("could not take in %s event %s (%s: %s); the platform gets an error",
                        self.tasks.channel, event.event_id, type(exc).__name__, exc)
            refused(self.tasks.channel, STORE_UNAVAILABLE)
            raise NotTakenIn(f"{type(exc).__name__}: {exc}") from exc
        if fresh:
            self.tasks.spawn(self._process(event, inbox), name=event.event_id)

    def dispatch(self, event: InboundEvent) -> None:
        """Take ``event`` in and process it, all in a background task; for events that arise
        after the platform was answered (nothing to refuse any more); returns at once."""
        self.tasks.spawn(self._accept_later(event), name=event.event_id)

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """``event`` as the core should get it, once it is in the inbox (a channel may look
        things up here: it runs after the answer, and again when a row is recovered)."""
        return event

    async def _process(self, event: InboundEvent, inbox: Inbox) -> None:
        await inbox.process(await self.prepare(event))

    async def _accept_later(self, event: InboundEvent) -> None:
        with contextlib.suppress(NotTakenIn):  # logged; nobody left to answer with an error
            await self.accept(event)
