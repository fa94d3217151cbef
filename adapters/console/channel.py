"""The terminal as a channel: one keyboard, many personas.

Messages for the persona at the keyboard are printed; messages for anyone else wait in their
mailbox (stored, so they survive a restart) until ``/as <person>`` switches to them. With
``jsonl`` every outgoing message is printed as one JSON object per line, whoever it is for.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from adapters.console.render import numbered_buttons, render
from adapters.kit.choices import ChoiceStore, NumberedChoices
from adapters.kit.plumbing import Plumbing
from chat.channel import Capabilities
from chat.events import ConversationKey, MessageRef
from chat.i18n import say
from chat.replies import Message, message_from_dict, message_to_dict


class Mailbox(Protocol):
    async def deliver(self, person: str, message: dict[str, Any]) -> None: ...

    async def take_unseen(self, person: str) -> list[dict[str, Any]]: ...


class ConsoleChannel(Plumbing):
    name = "console"
    capabilities = Capabilities(buttons=True, max_buttons=25, can_update=True, markdown=False)

    def __init__(self, out: TextIO, mailbox: Mailbox, *, persona: str, jsonl: bool = False,
                 choices: ChoiceStore | None = None):
        """``choices``: where the numbers of each person's latest card are kept (the host's
        database, so they survive a restart; default: this process)."""
        super().__init__(self.name)
        self.out = out
        self.mailbox = mailbox
        self.persona = persona
        self.jsonl = jsonl
        self.choices = NumberedChoices(choices)  # the latest card's numbers, per person
        self.on_print: Callable[[], None] = lambda: None

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        await self._show(key.user, message, updated=False)
        return MessageRef(channel=self.name, conversation=key.user,
                          native_id=secrets.token_hex(6))

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        await self._show(ref.conversation, message, updated=True)
        return ref

    def key_of(self, person: str) -> ConversationKey:
        """The direct conversation with ``person`` at the keyboard."""
        return ConversationKey(channel=self.name, tenant="", conversation="", user=person)

    async def switch_to(self, person: str) -> int:
        """Make ``person`` the one at the keyboard and show what arrived for them meanwhile."""
        self.persona = person
        waiting = await self.mailbox.take_unseen(person)
        for data in waiting:
            self._print(person, message_from_dict(data), updated=bool(data.get("updated")))
        return len(waiting)

    async def _show(self, person: str, message: Message, *, updated: bool) -> None:
        # Numbers and labels click the buttons of the latest message to a person, and only of
        # that one: a plain question after a card must not let "2" click the card above it.
        # Kept when it is sent, whether printed now or waiting in the mailbox.
        await self.choices.shown(self.key_of(person), numbered_buttons(message))
        if self.jsonl or person == self.persona:
            self._print(person, message, updated=updated)
        else:
            await self.mailbox.deliver(person, {**message_to_dict(message), "updated": updated})

    def _print(self, person: str, message: Message, *, updated: bool) -> None:
        if self.jsonl:
            line = {"recipient": person, "updated": updated, **message_to_dict(message)}
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            prefix = f"({say('adapter.updated', 'zh')} {say('adapter.updated', 'en')}) " \
                if updated else ""
            self.out.write(f"\n[esmbot → {person}] {prefix}\n{render(message)}\n")
        self.out.flush()
        self.on_print()
