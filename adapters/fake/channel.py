"""A channel for tests: records what was sent and updated, and can be told to fail."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from adapters.kit.plumbing import Plumbing
from chat.channel import Capabilities, ChannelError
from chat.events import ConversationKey, MessageRef
from chat.replies import Message


@dataclass(frozen=True)
class Delivery:
    user: str
    message: Message
    ref: MessageRef
    updated: bool = False


class FakeChannel(Plumbing):
    name = "fake"

    def __init__(self, capabilities: Capabilities | None = None) -> None:
        super().__init__(self.name)
        self.capabilities = capabilities or Capabilities(buttons=True, can_update=True)
        self.deliveries: list[Delivery] = []
        self.failures: list[ChannelError] = []  # raised, in order, by the next sends
        self._ids = itertools.count(1)

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        if self.failures:
            raise self.failures.pop(0)
        ref = MessageRef(channel=self.name, conversation=key.user, native_id=str(next(self._ids)))
        self.deliveries.append(Delivery(key.user, message, ref))
        return ref

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        self.deliveries.append(Delivery(ref.conversation, message, ref, updated=True))
        return ref

    def to(self, user: str) -> list[Message]:
        return [d.message for d in self.deliveries if d.user == user]
