"""The daily anchor: once a day the chain's head is signed, stored, and sent to the people of
the governance role (``[audit] anchor_role``), so a copy lives outside the database.

A cron job writes one ``audit.anchor`` timer per day (``plan_anchor``, deduplicated by day, so
several replicas still take one anchor); the sweeper fires it (``AnchorHandlers``), in the
sweeper's transaction: the anchor row, the messages in the outbox and ``pushed_at`` commit
together. The message carries the anchor's JSON line, which ``esmbot audit verify --anchor``
reads from a file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import members_of
from bot.services import Services
from bot.turn import Turn
from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Text
from org.model import Person
from scheduler.sweeper import TimerFiring, TimerHandler
from store import anchors, audit, audit_checks, timers
from store.db import Database

KIND = "audit.anchor"
SYSTEM = Person(id="esmbot", name="esmbot")
log = logging.getLogger("esmbot.audit")


async def plan_anchor(session: AsyncSession, services: Services, now: datetime) -> bool:
    """Today's anchor timer (the cron job's work); False when it was written already."""
    day = now.astimezone(ZoneInfo(services.settings.bot.timezone)).date()
    row = await timers.schedule(session, kind=KIND, subject="audit", due_at=now, now=now,
                                dedupe_key=f"{KIND}:{day.isoformat()}")
    return row is not None


async def plan_daily_anchor(db: Database, services: Services) -> bool:
    """The daily cron job's body (in every replica; the dedupe key keeps it to one timer)."""
    async with db.unit_of_work() as uow:
        return await plan_anchor(uow.session, services, services.clock())


async def record_chain_check(session: AsyncSession, *, secret: str, now: datetime) -> bool:
    """Walk the whole chain and check the newest stored anchor; keep the outcome
    (``audit_check``, source ``timer``). True when it verified."""
    chain = await audit.verify(session)
    stored = await anchors.latest(session)
    anchored = await anchors.check(session, stored[1], secret=secret) if stored else None
    ok = chain.ok and anchored is None
    await audit_checks.record(session, at=now, source="timer", chain_ok=ok,
                              checked=chain.checked, first_bad_seq=chain.first_bad_seq,
                              problems=int(not chain.ok) + int(anchored is not None))
    if not ok:
        log.error("audit chain does not verify: %s", chain.reason or anchored)
    return ok


class AnchorHandlers:
    """The ``audit.anchor`` timer kind, bound to the running bot's services and channels."""

    def __init__(self, services: Services, channels: Callable[[], Sequence[str]]) -> None:
        self.services = services
        self.channels = channels

    @classmethod
    def kinds(cls, services: Services, channels: Callable[[], Sequence[str]]
              ) -> dict[str, TimerHandler]:
        """The timer kinds, given what a feature's ``timers`` is given."""
        return cls(services, channels).registry()

    def registry(self) -> dict[str, TimerHandler]:
        return {KIND: self.push_anchor}

    async def push_anchor(self, firing: TimerFiring) -> None:
        """Verify the chain (recorded for the ``audit_chain`` figure), sign the head, store the
        anchor and tell the governance role (every member)."""
        settings = self.services.settings.audit
        await record_chain_check(firing.uow.session, secret=settings.anchor_secret
                                 .get_secret_value(), now=firing.now)
        try:
            anchor = await anchors.take(firing.uow.session,
                                        secret=settings.anchor_secret.get_secret_value(),
                                        now=firing.now)
        except anchors.AnchorRefused as exc:
            log.error("no audit anchor today: %s", exc)
            return
        turn = self._turn(firing)
        directory = self.services.bundle.directory
        line = json.dumps(anchor.to_json(), sort_keys=True)
        told = 0
        for person_id in sorted(members_of(directory, f"role:{settings.anchor_role}")):
            loc = turn.locale_of(person_id)
            told += await turn.notify(person_id, Text(say(
                "audit.anchor_daily", loc, at=anchor.at.isoformat(), seq=anchor.seq,
                hash=anchor.hash, anchor=line)))
        stored = await anchors.latest(firing.uow.session)
        if told and stored is not None:
            await anchors.mark_pushed(firing.uow.session, anchor_id=stored[0], now=firing.now)
        elif not told:
            log.warning("audit anchor seq %s stored, but nobody of role %r could be told",
                        anchor.seq, settings.anchor_role)

    def _turn(self, firing: TimerFiring) -> Turn:
        names = list(self.channels())
        key = ConversationKey(channel=names[0] if names else "console", tenant="",
                              conversation="", user="")
        return Turn(services=self.services, uow=firing.uow, key=key, person=SYSTEM,
                    now=firing.now, fired_by="timer", event_id=f"timer:{firing.timer.id}")

