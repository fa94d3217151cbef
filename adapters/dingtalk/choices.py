"""Numbered replies, for cards sent without a card template (markdown has no buttons).

The latest message to a conversation decides what a number means: after a card, "1" (or a
button's exact label) clicks that card's first button; after any other message a number is
just text, so "2" typed after a plain question never clicks a card further up. Kept in memory
per process, like the console's: after a restart a number is text until the next card.
"""

from __future__ import annotations

from dataclasses import dataclass

from chat.events import ActionInvoked, MessageReceived, MessageRef
from chat.replies import Button, Card, Message


@dataclass(frozen=True)
class Shown:
    buttons: tuple[Button, ...]
    ref: MessageRef | None


def target_of(conversation: str, user: str) -> str:
    """A group by its id (a card there is for everyone in it), a one-to-one chat by person."""
    return conversation or "@" + user


class NumberedChoices:
    def __init__(self) -> None:
        self._latest: dict[str, Shown] = {}

    def shown(self, target: str, message: Message, ref: MessageRef | None) -> None:
        if isinstance(message, Card) and message.buttons:
            self._latest[target] = Shown(message.buttons, ref)
        else:
            self._latest.pop(target, None)

    def as_click(self, message: MessageReceived) -> ActionInvoked | None:
        """``message`` as a click on the latest card in its conversation, if it names one of
        its buttons by number or label."""
        key = message.key
        shown = self._latest.get(target_of(key.conversation, key.user))
        button = chosen(shown.buttons, message.text) if shown else None
        if shown is None or button is None:
            return None
        return ActionInvoked(key, message.event_id, button.action_id, button.value, shown.ref,
                             message.received_at)


def chosen(buttons: tuple[Button, ...], text: str) -> Button | None:
    wanted = text.strip()
    if wanted.isdigit():
        number = int(wanted)
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    return next((b for b in buttons if b.label.casefold() == wanted.casefold()), None)
