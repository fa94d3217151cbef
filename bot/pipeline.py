"""The middleware around every inbound event.

trace id -> identity -> per-conversation lock -> unit of work (dedupe, row lock) -> router.
Everything a turn changes commits together; the outbox dispatcher is woken after the commit.
A handler that fails rolls its turn back and the person is told, in a fresh transaction.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.time.resync import resync_touched
from bot.identity import identify
from bot.router import route
from bot.services import Services
from bot.turn import Turn
from chat.events import InboundEvent
from chat.i18n import say
from chat.replies import Text, message_to_dict
from store import inbound, outbox
from store.db import Database

log = logging.getLogger("esmbot.pipeline")


class Pipeline:
    def __init__(self, services: Services, db: Database, on_commit: Callable[[], None]):
        self.services = services
        self.db = db
        self.on_commit = on_commit
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def handle(self, event: InboundEvent) -> None:
        trace = secrets.token_hex(4)
        lock = self._lock_for(event.key.lock_id)
        async with lock:
            try:
                await self._turn(event, trace)
            except Exception:
                log.exception("turn failed trace=%s channel=%s event=%s", trace,
                              event.key.channel, event.event_id)
                await self._apologise(event)

    def _lock_for(self, lock_id: str) -> asyncio.Lock:
        lock = self._locks.get(lock_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[lock_id] = lock
        return lock

    async def _turn(self, event: InboundEvent, trace: str) -> None:
        now = self.services.clock()
        person = identify(self.services.bundle.directory, event.key)
        async with self.db.unit_of_work() as uow:
            uow.after_commit(self.on_commit)
            await uow.lock_conversation(event.key.lock_id)
            fresh = await inbound.remember_event(
                uow.session, channel=event.key.channel, event_id=event.event_id, now=now
            )
            if not fresh:
                log.info("duplicate event dropped trace=%s event=%s", trace, event.event_id)
                return
            if person is None:
                await self._unknown_person(uow.session, event, now)
                return
            turn = Turn(self.services, uow, event.key, person, now, event_id=event.event_id)
            await route(turn, event)
            await resync_touched(turn)
            log.debug("turn done trace=%s person=%s replies=%d", trace, person.id,
                      len(turn.sent))

    async def _unknown_person(
        self, session: AsyncSession, event: InboundEvent, now: datetime
    ) -> None:
        locale = self.services.settings.bot.default_locale
        text = say("who.unknown", locale, channel=event.key.channel, user=event.key.user)
        await outbox.enqueue(session, recipient=event.key.as_dict(),
                             message=message_to_dict(Text(text)), channel=event.key.channel,
                             now=now)

    async def _apologise(self, event: InboundEvent) -> None:
        person = identify(self.services.bundle.directory, event.key)
        locale = person.locale if person else self.services.settings.bot.default_locale
        try:
            async with self.db.unit_of_work() as uow:
                uow.after_commit(self.on_commit)
                await outbox.enqueue(uow.session, recipient=event.key.as_dict(),
                                     message=message_to_dict(Text(say("err.internal", locale))),
                                     channel=event.key.channel, now=self.services.clock())
        except Exception:
            log.exception("could not even apologise for event=%s", event.event_id)
