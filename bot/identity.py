"""Who is talking, and how to reach a person."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chat.events import ConversationKey
from org.model import Directory, Person

WEB = "web"
# Channels where the user id *is* the directory id (the terminal, the test channel and the web
# console's chat panel, whose socket belongs to the signed-in directory person).
DIRECTORY_NATIVE_CHANNELS = frozenset({"console", "fake", WEB})
# The chat platforms a person may have an id on, in the order the directory lists them: the
# first one of these that is enabled and that the person has an id on is their home platform.
PLATFORMS = ("slack", "wecom", "dingtalk")
# Channels that can reach a person by email address when the directory has no id for them
# there: the key's ``user`` is then the (lower-cased) email, which the adapter resolves on send
# and writes into the events of such a person (Slack: users.lookupByEmail / users.info).
EMAIL_FALLBACK_CHANNELS = frozenset({"slack"})


def identify(directory: Directory, key: ConversationKey) -> Person | None:
    if key.channel in DIRECTORY_NATIVE_CHANNELS:
        return directory.person(key.user)
    person = directory.find_by_identity(key.channel, key.user)
    if person is None and key.channel in EMAIL_FALLBACK_CHANNELS:
        person = reached_by_email(directory, key.channel, key.user)
    return person


def address_of(person: Person, channel: str, tenant: str = "") -> ConversationKey | None:
    """The direct conversation with ``person`` on ``channel``, if they have an identity there
    (on an email-fallback channel, their email address will do)."""
    if channel in DIRECTORY_NATIVE_CHANNELS:
        native: str | None = person.id
    else:
        native = getattr(person, channel, None)
        if not native and channel in EMAIL_FALLBACK_CHANNELS and person.email:
            native = email_user(person.email)
    if not native:
        return None
    return ConversationKey(channel=channel, tenant=tenant, conversation="", user=native)


@dataclass(frozen=True)
class Home:
    """A channel a person may be reached on from a turn on another one, with its tenant."""

    channel: str
    tenant: str = ""


def reach(person: Person, channel: str, tenant: str, homes: Sequence[Home]
          ) -> ConversationKey | None:
    """Where a turn on ``channel`` reaches ``person``: their direct conversation there when
    they have one (the web panel is not one: everyone has it, nobody lives in it), else
    their home platform (the first of ``homes`` they have an id on), else the web panel when
    it is among ``homes``. So a request filed on the web reaches its approver's card on
    their own platform, and a person with no platform id is reached on the web."""
    if channel != WEB:
        here = address_of(person, channel, tenant)
        if here is not None:
            return here
    for home in homes:
        if home.channel in PLATFORMS and getattr(person, home.channel, None):
            return address_of(person, home.channel, home.tenant)
    if any(home.channel == WEB for home in homes) or channel == WEB:
        return address_of(person, WEB)
    return None


def email_user(email: str) -> str:
    """How an email address is written into ``ConversationKey.user``."""
    return email.strip().lower()


def reached_by_email(directory: Directory, channel: str, email: str) -> Person | None:
    """The person with no id on ``channel`` whose email is ``email``. Someone who has an id
    there is only ever that id: another account with their email is not them."""
    if channel not in EMAIL_FALLBACK_CHANNELS or "@" not in email:
        return None
    wanted = email_user(email)
    for person in directory.persons.values():
        if (person.email and not getattr(person, channel, None)
                and email_user(person.email) == wanted):
            return person
    return None


class DirectoryRoster:
    """An adapter's questions about people on one channel, answered from the directory that is
    current at the time of asking (a reload is seen at once)."""

    def __init__(self, directory: Callable[[], Directory], channel: str) -> None:
        self._directory = directory
        self._channel = channel

    def knows(self, user_id: str) -> bool:
        return self._directory().find_by_identity(self._channel, user_id) is not None

    def reached_by_email(self, email: str) -> bool:
        return reached_by_email(self._directory(), self._channel, email) is not None
