"""Who is who on Slack: a person's DM channel, and a user's id from an email and back.

Email is the fallback for directory entries that have an ``email`` but no ``slack`` id: the
identity layer addresses such a person by email, ``SlackChannel.send`` resolves it with
``user_for_email``, and an event from a Slack user the directory does not know is rewritten to
the email ``email_of`` finds, so both directions use the same ``ConversationKey``.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient


def normalise_email(email: str) -> str:
    return email.strip().lower()


class SlackPeople:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dms: dict[str, str] = {}
        self._emails: dict[str, str] = {}
        self._users: dict[str, str] = {}

    def remember_dm(self, user_id: str, channel_id: str) -> None:
        self._dms[user_id] = channel_id

    async def dm_channel(self, user_id: str) -> str:
        """The DM channel with ``user_id`` (``conversations.open``, cached)."""
        if user_id not in self._dms:
            response = await self.client.conversations_open(users=user_id)
            self._dms[user_id] = str(response["channel"]["id"])
        return self._dms[user_id]

    async def user_for_email(self, email: str) -> str:
        """The Slack user id for ``email`` (``users.lookupByEmail``, cached)."""
        email = normalise_email(email)
        if email not in self._emails:
            response = await self.client.users_lookupByEmail(email=email)
            self._emails[email] = str(response["user"]["id"])
        return self._emails[email]

    async def email_of(self, user_id: str) -> str:
        """The email of ``user_id``, normalised, or "" for bots and people without one
        (``users.info``, needs ``users:read.email``; cached, the empty answer too)."""
        if user_id not in self._users:
            response = await self.client.users_info(user=user_id)
            user = response.get("user") or {}
            email = "" if user.get("is_bot") or user.get("deleted") else \
                str((user.get("profile") or {}).get("email") or "")
            self._users[user_id] = normalise_email(email)
            if email:
                self._emails.setdefault(self._users[user_id], user_id)
        return self._users[user_id]
