"""Who is who on Slack: a person's DM channel, and their user id from an email address.

``user_for_email`` is the hook for people whose directory entry has an ``email`` but no
``slack`` id: ``SlackChannel.send`` resolves a ``ConversationKey.user`` that is an email
address through it, so the identity layer may address such people by email.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient


class SlackPeople:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dms: dict[str, str] = {}
        self._emails: dict[str, str] = {}

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
        email = email.strip().lower()
        if email not in self._emails:
            response = await self.client.users_lookupByEmail(email=email)
            self._emails[email] = str(response["user"]["id"])
        return self._emails[email]
