"""One turn: everything a message or click changes, in one unit of work.

Handlers read and change state through ``turn.session`` and the repositories, queue replies and
notifications in the outbox, and append audit events. Nothing is sent before the commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import card_copies
from bot.identity import WEB, Home, reach
from chat.events import ConversationKey
from chat.replies import Message, message_to_dict
from org.model import Person
from store import audit, outbox

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.services import Services
    from bot.settings import Settings
    from store.uow import UnitOfWork


@dataclass
class Turn:
    services: Services
    uow: UnitOfWork
    key: ConversationKey
    person: Person
    now: datetime
    sent: list[Message] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # requests whose history this turn extended
    event_id: str = ""  # the platform's id of the event this turn handles
    fired_by: str = ""  # "timer" or "cli" when no person's event is behind the turn

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    @property
    def source(self) -> dict[str, str]:
        """Where this turn's actions come from, for the audit trail: the channel, the
        platform's event id and the platform user id behind the actor; a timer or the CLI
        names itself (and the timer's id as the event)."""
        if self.fired_by:
            return {"channel": self.fired_by, **({"event_id": self.event_id}
                                                 if self.event_id else {})}
        return {"channel": self.key.channel, "event_id": self.event_id, "user": self.key.user}

    @property
    def locale(self) -> str:
        return self.person.locale or self.services.settings.bot.default_locale

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.person.timezone)).date()

    async def reply(self, message: Message, *, correlation: str | None = None) -> None:
        """Answer in the conversation the event came from."""
        self.sent.append(message)
        await self._send(self.key, message, correlation, self.locale)

    @property
    def homes(self) -> tuple[Home, ...]:
        """The platforms a person may be reached on from this turn's channel (``reach``)."""
        return homes(self.services.settings)

    async def notify(
        self, person_id: str, message: Message, *, correlation: str | None = None
    ) -> bool:
        """Send ``message`` to another person's direct conversation on this channel, or on
        their home platform when they have none here (``bot.identity.reach``)."""
        person = self.services.bundle.directory.person(person_id)
        target = reach(person, self.key.channel, self.key.tenant, self.homes) if person else None
        if target is None:
            return False
        await self._send(target, message, correlation, self.locale_of(person_id))
        return True

    def group_chat(self, chats: Mapping[str, str]) -> Home | None:
        """Of a group's chats (channel -> chat id), the one this turn posts into: the one on
        this channel, else (on the web panel, which has none) the one on the first enabled
        platform that has one (its channel and tenant); None: no chat to post into."""
        if chats.get(self.key.channel):
            return Home(self.key.channel, self.key.tenant)
        if self.key.channel != WEB:
            return None
        return next((home for home in self.homes if chats.get(home.channel)), None)

    async def post_to_chat(
        self, chat: str, message: Message, *, correlation: str | None = None,
        on: Home | None = None,
    ) -> None:
        """Post into a group chat on this channel, or ``on`` another (``group_chat``)
        (``conversation`` = the chat, no user)."""
        where = on or Home(self.key.channel, self.key.tenant)
        target = ConversationKey(channel=where.channel, tenant=where.tenant,
                                 conversation=chat, user="")
        await self._send(target, message, correlation,
                         self.services.settings.bot.default_locale)

    async def _send(
        self, target: ConversationKey, message: Message, correlation: str | None, locale: str
    ) -> None:
        """Queue ``message``; a card (``correlation``) shown again to ``target`` retires the
        copies it replaces first (``bot.card_copies``: one live copy per recipient)."""
        if correlation is not None:
            await card_copies.retire_older(self.session, target, correlation, locale=locale,
                                            now=self.now)
        await outbox.enqueue(self.session, recipient=target.as_dict(),
                             message=message_to_dict(message), channel=target.channel,
                             correlation=correlation, now=self.now)

    async def tell(
        self, person_id: str, message: Message, *, correlation: str | None = None
    ) -> bool:
        """Reply when ``person_id`` is the one talking, else a direct message to them."""
        if person_id == self.person.id:
            await self.reply(message, correlation=correlation)
            return True
        return await self.notify(person_id, message, correlation=correlation)

    def locale_of(self, person_id: str) -> str:
        person = self.services.bundle.directory.person(person_id)
        return person.locale if person else self.services.settings.bot.default_locale

    async def audit(
        self,
        action: str,
        subject: str,
        data: dict[str, Any] | None = None,
        *,
        on_behalf_of: str | None = None,
    ) -> None:
        if subject.startswith("REQ-"):
            self.touched.add(subject)
        await audit.append(
            self.session,
            actor=self.person.id,
            action=action,
            subject=subject,
            data=data or {},
            now=self.now,
            on_behalf_of=on_behalf_of,
            source=self.source,
        )


def homes(settings: Settings) -> tuple[Home, ...]:
    """The enabled platforms in the directory's order, then the web panel when it is on."""
    enabled = [Home("slack", settings.slack.team_id)] if settings.slack.enabled else []
    if settings.wecom.enabled:
        enabled.append(Home("wecom", settings.wecom.corp_id))
    if settings.dingtalk.enabled:
        enabled.append(Home("dingtalk"))
    if settings.web.enabled:
        enabled.append(Home(WEB))
    return tuple(enabled)
