"""The composition root: settings + files + store + channels -> a running bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.channel import Channel
from bot.events import InboundEvent
from bot.pipeline import Pipeline
from bot.services import Services, utc_now
from bot.settings import Settings
from dialogs.loader import demo_paths, load_bundle
from dialogs.matching import Matcher
from dialogs.model import Bundle
from scheduler.dispatcher import OutboxDispatcher
from store.db import Database


def bundle_paths(settings: Settings) -> tuple[Path, Path, Path]:
    """The configured catalog folder, directory and calendars; each unset one is the demo's."""
    demo_catalog, demo_directory, demo_calendars = demo_paths()
    return (
        Path(settings.catalog.path) if settings.catalog.path else demo_catalog,
        Path(settings.directory.path) if settings.directory.path else demo_directory,
        Path(settings.calendars.path) if settings.calendars.path else demo_calendars,
    )


def load_configured_bundle(settings: Settings) -> Bundle:
    """Raises ``dialogs.loader.BundleError`` naming every problem."""
    return load_bundle(*bundle_paths(settings))


@dataclass
class BotApp:
    settings: Settings
    db: Database
    services: Services
    pipeline: Pipeline
    dispatcher: OutboxDispatcher
    channels: dict[str, Channel] = field(default_factory=dict)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def bundle(self) -> Bundle:
        return self.services.bundle

    async def handle(self, event: InboundEvent) -> None:
        await self.pipeline.handle(event)

    async def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        await channel.start(self.handle)

    def start_background(self) -> None:
        """The dispatcher loop (sends after commit, retries with backoff)."""
        poll = self.settings.outbox.poll_seconds
        self._tasks.append(asyncio.create_task(self.dispatcher.run(poll, self._stop)))

    async def close(self) -> None:
        self._stop.set()
        self.dispatcher.wake()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for channel in self.channels.values():
            await channel.stop()
        await self.db.close()


async def build_app(
    settings: Settings,
    *,
    bundle: Bundle | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> BotApp:
    bundle = bundle or load_configured_bundle(settings)
    db = await Database.open(settings.store.url)
    services = Services(settings=settings, bundle=bundle, matcher=Matcher(bundle.catalog),
                        clock=clock)
    channels: dict[str, Channel] = {}
    dispatcher = OutboxDispatcher(db, channels, clock,
                                  max_attempts=settings.outbox.max_attempts,
                                  batch_size=settings.outbox.batch_size)
    pipeline = Pipeline(services, db, on_commit=dispatcher.wake)
    return BotApp(settings=settings, db=db, services=services, pipeline=pipeline,
                  dispatcher=dispatcher, channels=channels)
