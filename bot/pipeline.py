"""The middleware around every inbound event.

``take_in`` writes the event to the inbox (``store.inbox``) in a short transaction of its own,
before the platform is answered; ``process`` is its turn: trace id -> identity ->
per-conversation lock -> unit of work (the inbox row marked processed, row lock) -> router.
Everything a turn changes commits together with "processed"; the outbox dispatcher is woken
after the commit. A turn that never commits (the process died) leaves the row to be recovered
(``BotApp.recover_inbox``). A handler that fails rolls its turn back and the person is told,
in a fresh transaction that also marks the row processed (a failing turn is not run again).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.forms.flow import remind_open_form
from bot.features.time.resync import resync_touched
from bot.identity import identify
from bot.logs import turn_context
from bot.observability import TURN_SECONDS, TURNS
from bot.router import route
from bot.services import Services
from bot.turn import Turn
from chat.events import ConversationKey, InboundEvent
from chat.i18n import say
from chat.replies import Text, message_to_dict
from store import inbox, outbox
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
        self._intake = inbox.Intake(db, services.clock)  # events arriving together: one write

    async def __call__(self, event: InboundEvent) -> None:
        """The pipeline as a plain sink (``chat.channel.EventSink``): ``handle``."""
        await self.handle(event)

    async def handle(self, event: InboundEvent) -> None:
        """Take ``event`` in and, unless it was processed before, process it (the terminal)."""
        if await self.take_in(event):
            await self.process(event)

    async def take_in(self, event: InboundEvent) -> bool:
        """Write ``event`` to the inbox; False for a redelivery of a processed event. Raises
        when the store cannot, or not within ``[inbound] take_in_seconds`` (the platform is
        answered in time, with an error; a write that went through anyway is processed when
        the platform retries, or recovered)."""
        async with asyncio.timeout(self.services.settings.inbound.take_in_seconds):
            fresh = await self._intake.take_in(event)
        if not fresh:
            log.info("redelivery of event=%s channel=%s answered, processed before",
                     event.event_id, event.key.channel)
        return fresh

    async def process(self, event: InboundEvent) -> None:
        """The turn of an event in the inbox, at most once however often it is called."""
        trace = secrets.token_hex(4)
        lock = self._lock_for(event.key.lock_id)
        started = time.perf_counter()
        # every log line of the turn carries its trace, channel and platform user (bot/logs.py)
        with turn_context(trace, event.key.channel, event.key.user):
            outcome = await self._locked_turn(event, trace, lock)
        TURNS.labels(event.key.channel, outcome).inc()
        TURN_SECONDS.labels(event.key.channel).observe(time.perf_counter() - started)

    async def _locked_turn(self, event: InboundEvent, trace: str, lock: asyncio.Lock) -> str:
        async with lock:
            try:
                return await self._turn(event, trace)
            except Exception:
                log.exception("turn failed trace=%s channel=%s event=%s", trace,
                              event.key.channel, event.event_id)
                await self._apologise(event)
                return "failed"

    def _lock_for(self, lock_id: str) -> asyncio.Lock:
        lock = self._locks.get(lock_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[lock_id] = lock
        return lock

    async def _turn(self, event: InboundEvent, trace: str) -> str:
        """Handle ``event``; its outcome for ``esmbot_turns_total``."""
        now = self.services.clock()
        person = identify(self.services.bundle.directory, event.key)
        async with self.db.unit_of_work() as uow:
            uow.after_commit(self.on_commit)
            await uow.lock_conversation(event.key.lock_id)
            fresh = await inbox.mark_processed(
                uow.session, channel=event.key.channel, event_id=event.event_id, now=now
            )
            if not fresh:
                log.info("duplicate event dropped trace=%s event=%s", trace, event.event_id)
                return "duplicate"
            if person is None:
                await self._unknown_person(uow.session, event, now)
                return "unknown_person"
            turn = Turn(self.services, uow, event.key, person, now, event_id=event.event_id)
            await route(turn, event)
            await resync_touched(turn)
            log.debug("turn done replies=%d", len(turn.sent))  # tagged with trace and person
        return "handled"

    async def resume(self, key: ConversationKey) -> bool:
        """Show the open form's question in ``key``'s conversation again, without an inbound
        event (the terminal's ``/as``: the person is back, maybe after a restart); False when
        no form is open there or the person is unknown."""
        person = identify(self.services.bundle.directory, key)
        if person is None:
            return False
        async with self._lock_for(key.lock_id), self.db.unit_of_work() as uow:
            uow.after_commit(self.on_commit)
            await uow.lock_conversation(key.lock_id)
            turn = Turn(services=self.services, uow=uow, key=key, person=person,
                        now=self.services.clock())
            return await remind_open_form(turn)

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
                if not await inbox.mark_processed(uow.session, channel=event.key.channel,
                                                  event_id=event.event_id,
                                                  now=self.services.clock()):
                    return  # processed meanwhile (another replica): nothing to apologise for
                await outbox.enqueue(uow.session, recipient=event.key.as_dict(),
                                     message=message_to_dict(Text(say("err.internal", locale))),
                                     channel=event.key.channel, now=self.services.clock())
        except Exception:
            log.exception("could not even apologise for event=%s", event.event_id)

    async def give_up(self, event: InboundEvent, attempts: int) -> None:
        """A recovered event whose turn never committed in ``attempts`` tries (each one ended
        the process, say): marked processed, and the person told, instead of a next try."""
        log.error("event=%s channel=%s given up after %d attempts", event.event_id,
                  event.key.channel, attempts)
        await self._apologise(event)
