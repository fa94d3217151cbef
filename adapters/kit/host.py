"""What an adapter may ask of the app it attaches to (``bot.app.BotApp`` provides it)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from chat.channel import Channel
from chat.events import InboundEvent


class Roster(Protocol):
    """What an adapter may ask the directory about the people of its platform."""

    def knows(self, user_id: str) -> bool:
        """Someone in the directory has this platform user id."""
        ...

    def reached_by_email(self, email: str) -> bool:
        """Someone in the directory has no id on this platform and this email address."""
        ...


@runtime_checkable
class Inbox(Protocol):
    """The core's sink in two steps (``bot.app.BotApp.inbox`` is one): a platform answers
    only after ``take_in`` returned, and hands the event on with ``process`` afterwards.

    Called as a plain sink, it does both (the terminal, which waits for the turn)."""

    async def __call__(self, event: InboundEvent) -> None:
        """Take ``event`` in and process it."""
        ...

    async def take_in(self, event: InboundEvent) -> bool:
        """Write ``event`` durably before the platform is answered; False for a redelivery
        of an event already processed (answer, and nothing more). Raises when it could not
        be written: the platform must then get an error, never a success, so it retries."""
        ...

    async def process(self, event: InboundEvent) -> None:
        """The turn of an event ``take_in`` wrote (``event`` as the channel prepared it,
        same channel and event id); done once, however often it is called."""
        ...


class Mailbox(Protocol):
    """What a channel keeps for a person who is not there to be shown it, until they are."""

    async def deliver(self, person: str, message: dict[str, Any]) -> None: ...

    async def take_unseen(self, person: str) -> list[dict[str, Any]]:
        """What was kept for ``person``, oldest first; handed out once."""
        ...


@runtime_checkable
class KeepsMail(Protocol):
    """A host that keeps mailboxes in its database (``bot.app.BotApp``): a channel whose
    people are not always connected (the web panel) keeps their messages there."""

    def mailbox(self, channel: str) -> Mailbox:
        """``channel``'s mailboxes, one per person."""
        ...


class ChannelHost(Protocol):
    def roster(self, channel: str) -> Roster:
        """The adapter's questions about people, answered from the current directory."""
        ...

    async def add_channel(self, channel: Channel) -> None:
        """Register ``channel`` and start it with the core as its sink."""
        ...

    async def first_use(self, channel: str, nonce: str, digest: str, *,
                        keep_seconds: float) -> bool:
        """The replay guard (``adapters.kit.replay``), kept in the database."""
        ...

    async def remember_choices(self, conversation: str, shown: dict[str, Any] | None) -> None:
        """Numbered choices (``adapters.kit.choices``), kept in the database: what "1" clicks
        in ``conversation`` after a restart and on any replica."""
        ...

    async def choices_in(self, conversation: str) -> dict[str, Any] | None:
        """What ``remember_choices`` last kept for ``conversation``."""
        ...
