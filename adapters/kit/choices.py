"""Numbered choices: where a platform cannot show a card's buttons, a reply picks one.

The latest message to a conversation decides what a number means: after a card with numbered
choices, "1" (or a choice's label, case-insensitive) clicks its first one; after any other
message a number is just text, so "2" typed after a plain question never clicks a card further
up. What was offered is kept by a ``ChoiceStore``: the host's (``ChannelHost``, in the
database), so "1" still clicks the latest card after a restart and on another replica; a
channel built without a host keeps them in memory (``MemoryChoices``, for tests).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef
from chat.replies import Button, Card, Message

log = logging.getLogger("esmbot.choices")


class ChoiceStore(Protocol):
    async def remember_choices(self, conversation: str, shown: dict[str, Any] | None) -> None:
        """``shown`` (``Shown.to_dict``) is what a number means in ``conversation`` now;
        None: nothing (a number is text)."""
        ...

    async def choices_in(self, conversation: str) -> dict[str, Any] | None:
        """What ``remember_choices`` last kept for ``conversation``."""
        ...


class MemoryChoices:
    """A ``ChoiceStore`` in this process only: gone at a restart, unknown to other replicas."""

    def __init__(self) -> None:
        self._latest: dict[str, dict[str, Any]] = {}

    async def remember_choices(self, conversation: str, shown: dict[str, Any] | None) -> None:
        if shown is None:
            self._latest.pop(conversation, None)
        else:
            self._latest[conversation] = shown

    async def choices_in(self, conversation: str) -> dict[str, Any] | None:
        return self._latest.get(conversation)


@dataclass(frozen=True)
class Shown:
    buttons: tuple[Button, ...]
    ref: MessageRef | None

    def to_dict(self) -> dict[str, Any]:
        return {"buttons": [_button_to_dict(b) for b in self.buttons],
                "ref": self.ref.as_dict() if self.ref else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shown | None:
        """None for a row this code cannot read (it is then as if nothing was offered)."""
        try:
            buttons = tuple(_button_from_dict(b) for b in data.get("buttons") or ())
            ref = data.get("ref")
            return cls(buttons,
                       MessageRef.from_dict(dict(ref)) if isinstance(ref, Mapping) else None)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _button_to_dict(button: Button) -> dict[str, Any]:
    return {"label": button.label, "action_id": button.action_id, "value": button.value}


def _button_from_dict(data: Mapping[str, Any]) -> Button:
    return Button(label=str(data["label"]), action_id=str(data["action_id"]),
                  value=str(data.get("value", "")))


def target_of(conversation: str, user: str) -> str:
    """A group by its id (a card there is for everyone in it), a direct chat by person."""
    return conversation or "@" + user


def conversation_of(key: ConversationKey) -> str:
    """The conversation a number is read in, as the store's key: channel, tenant, target."""
    return f"{key.channel}:{key.tenant}:{target_of(key.conversation, key.user)}"


def numbered(message: Message) -> tuple[Button, ...]:
    """The choices a reply to ``message`` may pick by number: a degraded card's."""
    return message.choices if isinstance(message, Card) else ()


def pick(choices: tuple[Button, ...], reply: str) -> Button | None:
    """The choice a reply names: its number (1-based) or its label, case-insensitive."""
    wanted = reply.strip()
    if wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1]
    return next((b for b in choices if b.label.strip().casefold() == wanted.casefold()), None)


class NumberedChoices:
    def __init__(self, store: ChoiceStore | None = None) -> None:
        self.store: ChoiceStore = store if store is not None else MemoryChoices()

    async def shown(self, key: ConversationKey, buttons: tuple[Button, ...],
                    ref: MessageRef | None = None) -> None:
        """``buttons`` were just offered in ``key``'s conversation (none: a number is text).

        Called after the message went out: a store that fails is logged, never raised, so the
        send is not taken for failed and sent twice (the numbers may then be out of date)."""
        shown = Shown(buttons, ref).to_dict() if buttons else None
        try:
            await self.store.remember_choices(conversation_of(key), shown)
        except Exception:
            log.exception("could not keep the numbered choices of %s", conversation_of(key))

    async def offered(self, key: ConversationKey) -> tuple[Button, ...]:
        shown = await self._latest(key)
        return shown.buttons if shown else ()

    async def as_click(self, message: MessageReceived) -> ActionInvoked | None:
        """``message`` as a click on the latest card in its conversation, if it names one of
        its choices by number or label."""
        shown = await self._latest(message.key)
        button = pick(shown.buttons, message.text) if shown else None
        if shown is None or button is None:
            return None
        return ActionInvoked(message.key, message.event_id, button.action_id, button.value,
                             shown.ref, message.received_at)

    async def _latest(self, key: ConversationKey) -> Shown | None:
        """What a number means in ``key``'s conversation; a store that fails is logged and
        the message stays text (the core then answers it as such)."""
        try:
            data = await self.store.choices_in(conversation_of(key))
        except Exception:
            log.exception("could not read the numbered choices of %s", conversation_of(key))
            return None
        return Shown.from_dict(data) if data is not None else None
