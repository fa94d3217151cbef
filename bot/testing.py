"""A chat driver for tests and scripts: people say things and click buttons on a fake channel.

    chat = await ChatDriver.open("sqlite+aiosqlite:///tmp/x.db")
    await chat.say("alice", "我要申请笔记本，预算8000")
    assert chat.last("alice").asks == "model"
    await chat.click("alice", "高性能本")
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.fake.channel import FakeChannel
from bot.app import BotApp, build_app
from bot.settings import Settings
from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived
from chat.replies import Button, Card, Message
from dialogs.model import Bundle


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class ChatDriver:
    def __init__(self, app: BotApp, channel: FakeChannel, clock: FakeClock) -> None:
        self.app = app
        self.channel = channel
        self.clock = clock

    @classmethod
    async def open(
        cls,
        store_url: str,
        *,
        bundle: Bundle | None = None,
        clock: FakeClock | None = None,
        **sections: dict[str, Any],
    ) -> ChatDriver:
        clock = clock or FakeClock()
        settings = Settings.model_validate({"store": {"url": store_url}, **sections})
        app = await build_app(settings, bundle=bundle, clock=clock)
        channel = FakeChannel()
        await app.add_channel(channel)
        return cls(app, channel, clock)

    async def close(self) -> None:
        await self.app.close()

    def key(self, person: str) -> ConversationKey:
        return ConversationKey(channel="fake", tenant="", conversation="", user=person)

    async def say(self, person: str, text: str, *, event_id: str | None = None) -> list[Message]:
        """``person`` writes ``text``; returns what the bot sent them in reply."""
        event = MessageReceived(self.key(person), event_id or secrets.token_hex(8), text)
        return await self._deliver(person, event)

    async def say_new(self, person: str, text: str) -> list[Message]:
        """Like ``say``, but only the new messages: not the edits of cards already shown (an
        older copy of a card retired when it is shown again, a card updated by a decision)."""
        before = len(self.channel.deliveries)
        await self.say(person, text)
        return [d.message for d in self.channel.deliveries[before:]
                if d.user == person and not d.updated]

    async def click(self, person: str, label: str, *, event_id: str | None = None
                    ) -> list[Message]:
        """``person`` taps the button labelled ``label`` on the latest card that has it."""
        return await self.click_action(person, self.button(person, label).action_id,
                                       event_id=event_id)

    async def click_action(self, person: str, action_id: str, *, event_id: str | None = None,
                           text: str = "") -> list[Message]:
        event = ActionInvoked(self.key(person), event_id or secrets.token_hex(8), action_id,
                              text=text)
        return await self._deliver(person, event)

    async def tick(self, **delta: float) -> int:
        """Move the clock on, run one timer sweep (as the scheduler would) and send; returns
        how many timers fired."""
        self.clock.advance(**delta)
        fired = await self.app.sweeper.sweep()
        await self.app.dispatcher.drain()
        return fired

    async def _deliver(self, person: str, event: InboundEvent) -> list[Message]:
        """Handle one event, send what it queued, and return what ``person`` received."""
        before = len(self.channel.deliveries)
        await self.app.handle(event)
        await self.app.dispatcher.drain()
        return [d.message for d in self.channel.deliveries[before:] if d.user == person]

    def inbox(self, person: str) -> list[Message]:
        return self.channel.to(person)

    def last(self, person: str) -> Message:
        messages = self.inbox(person)
        if not messages:
            raise AssertionError(f"{person} has received nothing")
        return messages[-1]

    def button(self, person: str, label: str) -> Button:
        for message in reversed(self.inbox(person)):
            if isinstance(message, Card):
                for button in message.buttons:
                    if button.label.casefold() == label.casefold():
                        return button
        raise AssertionError(f"{person} has no card with a button {label!r}")
