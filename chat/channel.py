"""The Channel protocol: what every adapter (console, Slack, WeCom, DingTalk, fake) provides."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Message

EventSink = Callable[[InboundEvent], Awaitable[None]]


@dataclass(frozen=True)
class Capabilities:
    buttons: bool = True
    max_buttons: int = 25
    can_update: bool = False
    markdown: bool = False


class ChannelError(Exception):
    """A send failed; ``retry_after`` (seconds) when the platform asked us to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class UpdateUnsupported(ChannelError):
    """The message cannot be updated (channel cannot, or the update token expired)."""


class Channel(Protocol):
    name: str
    capabilities: Capabilities

    async def start(self, sink: EventSink) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, key: ConversationKey, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> MessageRef: ...
