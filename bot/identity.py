"""Who is talking, and how to reach a person."""

from __future__ import annotations

from bot.events import ConversationKey
from dialogs.model import Directory, Person

# Channels where the user id *is* the directory id (the terminal and the test channel).
DIRECTORY_NATIVE_CHANNELS = frozenset({"console", "fake"})


def identify(directory: Directory, key: ConversationKey) -> Person | None:
    if key.channel in DIRECTORY_NATIVE_CHANNELS:
        return directory.person(key.user)
    return directory.find_by_identity(key.channel, key.user)


def address_of(person: Person, channel: str, tenant: str = "") -> ConversationKey | None:
    """The direct conversation with ``person`` on ``channel``, if they have an identity there."""
    if channel in DIRECTORY_NATIVE_CHANNELS:
        native: str | None = person.id
    else:
        native = getattr(person, channel, None)
    if not native:
        return None
    return ConversationKey(channel=channel, tenant=tenant, conversation="", user=native)
