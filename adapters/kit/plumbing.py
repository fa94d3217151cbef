"""What every platform channel does with inbound events and at stop, written once.

A platform acknowledges a request at once and hands the event to the core in a tracked
background task (``dispatch``); the tasks are awaited when the channel stops, after the
closers registered with ``on_stop`` (the last registered runs first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.kit.background import BackgroundTasks
from chat.channel import EventSink
from chat.events import InboundEvent

Closer = Callable[[], Awaitable[None]]


class Plumbing:
    """The inbound half of a channel: the core's sink, background tasks and closers."""

    def __init__(self, channel: str) -> None:
        self.tasks = BackgroundTasks(channel)
        self._sink: EventSink | None = None
        self._closers: list[Closer] = []

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    async def stop(self) -> None:
        for close in reversed(self._closers):
            await close()
        await self.tasks.join()

    def on_stop(self, close: Closer) -> None:
        """Run ``close`` when the channel stops (before in-flight events are awaited)."""
        self._closers.append(close)

    def dispatch(self, event: InboundEvent) -> None:
        """Hand ``event`` to the core in a tracked background task; returns at once."""
        if self._sink is not None:
            self.tasks.spawn(self._deliver(event, self._sink), name=event.event_id)

    async def _deliver(self, event: InboundEvent, sink: EventSink) -> None:
        """What a dispatched event goes through on its way; a channel may add a step."""
        await sink(event)
