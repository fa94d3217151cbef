"""Numbered choices: where a platform cannot show a card's buttons, a reply picks one.

The latest message to a conversation decides what a number means: after a card with numbered
choices, "1" (or a choice's label, case-insensitive) clicks its first one; after any other
message a number is just text, so "2" typed after a plain question never clicks a card further
up. Kept in memory per process: after a restart a number is text until the next card.
"""

from __future__ import annotations

from dataclasses import dataclass

from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef
from chat.replies import Button, Card, Message


@dataclass(frozen=True)
class Shown:
    buttons: tuple[Button, ...]
    ref: MessageRef | None


def target_of(conversation: str, user: str) -> str:
    """A group by its id (a card there is for everyone in it), a direct chat by person."""
    return conversation or "@" + user


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
    def __init__(self) -> None:
        self._latest: dict[str, Shown] = {}

    def shown(self, key: ConversationKey, buttons: tuple[Button, ...],
              ref: MessageRef | None = None) -> None:
        """``buttons`` were just offered in ``key``'s conversation (none: a number is text)."""
        target = target_of(key.conversation, key.user)
        if buttons:
            self._latest[target] = Shown(buttons, ref)
        else:
            self._latest.pop(target, None)

    def offered(self, key: ConversationKey) -> tuple[Button, ...]:
        shown = self._latest.get(target_of(key.conversation, key.user))
        return shown.buttons if shown else ()

    def as_click(self, message: MessageReceived) -> ActionInvoked | None:
        """``message`` as a click on the latest card in its conversation, if it names one of
        its choices by number or label."""
        key = message.key
        shown = self._latest.get(target_of(key.conversation, key.user))
        button = pick(shown.buttons, message.text) if shown else None
        if shown is None or button is None:
            return None
        return ActionInvoked(key, message.event_id, button.action_id, button.value, shown.ref,
                             message.received_at)
