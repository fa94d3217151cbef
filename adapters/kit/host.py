"""What an adapter may ask of the app it attaches to (``bot.app.BotApp`` provides it)."""

from __future__ import annotations

from typing import Any, Protocol

from chat.channel import Channel


class Roster(Protocol):
    """What an adapter may ask the directory about the people of its platform."""

    def knows(self, user_id: str) -> bool:
        """Someone in the directory has this platform user id."""
        ...

    def reached_by_email(self, email: str) -> bool:
        """Someone in the directory has no id on this platform and this email address."""
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
