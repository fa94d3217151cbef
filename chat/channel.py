"""The Channel protocol: what every adapter (console, Slack, WeCom, DingTalk, fake) provides."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Card, Message

EventSink = Callable[[InboundEvent], Awaitable[None]]


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show; the core degrades each message to it (``degrade``)."""

    buttons: bool = True
    max_buttons: int = 25
    can_update: bool = False
    markdown: bool = False


def degrade(message: Message, capabilities: Capabilities) -> Message:
    """``message`` as ``capabilities`` can show it: a card whose buttons the channel cannot
    show (none at all, or more than it may have) offers them as numbered choices instead, so
    no choice is lost; the channel maps a reply's number back to the button."""
    if not isinstance(message, Card) or not message.buttons:
        return message
    if capabilities.buttons and len(message.buttons) <= capabilities.max_buttons:
        return message
    return replace(message, buttons=(), choices=message.choices + message.buttons)


class ChannelError(Exception):
    """A send failed; ``retry_after`` (seconds) when the platform asked us to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False,
                 code: str = ""):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.code = code  # the platform's own error code, e.g. "invalid_auth", "45009", "429"

    @property
    def kind(self) -> str:
        """``code``, or what kind of failure it was when the platform gave none."""
        if self.code:
            return self.code
        return "rate_limited" if self.retry_after is not None else (
            "permanent" if self.permanent else "transient")


class UpdateUnsupported(ChannelError):
    """The message cannot be updated (channel cannot, or the update token expired)."""


class Channel(Protocol):
    name: str
    capabilities: Capabilities

    async def start(self, sink: EventSink) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, key: ConversationKey, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> MessageRef: ...


@runtime_checkable
class FindsItsSends(Protocol):
    """A channel whose platform keeps a tag on a message and can find it again (Slack: message
    metadata, read back with the conversation's history). The outbox tags every send with its
    row, and before resending a row whose last send may have gone out, looks for it first."""

    async def send_tagged(self, key: ConversationKey, message: Message, tag: str
                          ) -> MessageRef: ...

    async def find_tagged(self, key: ConversationKey, tag: str, since: datetime
                          ) -> MessageRef | None: ...
