"""``SlackChannel``: the Channel protocol over the Slack Web API (``AsyncWebClient``).

Sends go to a person's DM (``conversations.open``, cached) or to a channel thread, and return
``MessageRef(conversation=<channel id>, native_id=<ts>)`` for ``chat.update`` later. The outbox
tags each send with message metadata (``event_type`` ``esmbot_outbox``, its row in the
payload) and, for a row whose sender died mid-send, looks for that tag in the conversation's
history (``conversations.history``, or ``conversations.replies`` in a thread) before resending.
Errors are mapped for the outbox: 429 waits ``Retry-After``; bad tokens or targets are
permanent; network trouble is retried. Inbound events reach the core's inbox (``accept``) before
the ack; one from a Slack user the roster does not know is first looked up (``users.info``), and
if their email belongs to a directory person without a Slack id it comes as from that email
address, the key the core's ``address_of`` builds for them (``prepare``, after the ack).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.choices import NumberedChoices, numbered
from adapters.kit.errors import SetupError, rendered, transport_error
from adapters.kit.host import Roster
from adapters.kit.plumbing import Plumbing
from adapters.slack import errors
from adapters.slack.addressing import split_conversation
from adapters.slack.inbound import CHANNEL
from adapters.slack.people import SlackPeople
from adapters.slack.render import render
from chat.channel import Capabilities, ChannelError, EventSink
from chat.events import ConversationKey, InboundEvent, MessageReceived, MessageRef
from chat.replies import Message

log = logging.getLogger("esmbot.slack")
SEND_TAG_EVENT = "esmbot_outbox"  # the metadata event_type that carries an outbox tag
HISTORY_PAGES = 5  # pages of 200 looked through for a tagged message, newest first


class SlackChannel(Plumbing):
    name = CHANNEL
    # Slack renders mrkdwn, but the core's text is shown as typed (the adapter escapes it).
    capabilities = Capabilities(buttons=True, max_buttons=25, can_update=True, markdown=False)

    def __init__(self, client: AsyncWebClient, *, bot_user_id: str = "",
                 roster: Roster | None = None) -> None:
        super().__init__(CHANNEL)
        self.client = client
        self.bot_user_id = bot_user_id
        self.roster = roster
        self.people = SlackPeople(client)
        # Only cards with more buttons than Slack takes (25) are numbered: kept in this process,
        # not in the database, so an ordinary Slack message costs no extra write or read.
        self.choices = NumberedChoices()

    async def start(self, sink: EventSink) -> None:
        await super().start(sink)
        if not self.bot_user_id:
            await self._learn_bot_user_id()

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        return await self.send_tagged(key, message, "")

    async def send_tagged(self, key: ConversationKey, message: Message, tag: str
                          ) -> MessageRef:
        """``send``, the message carrying ``tag`` in its metadata (none when empty)."""
        channel_id, thread_ts = await self._target(key)
        payload = _payload(message)
        if thread_ts:
            payload["thread_ts"] = thread_ts
        if tag:
            payload["metadata"] = {"event_type": SEND_TAG_EVENT, "event_payload": {"tag": tag}}
        response = await self._call("chat.postMessage", self.client.chat_postMessage,
                                    channel=channel_id, **payload)
        ref = MessageRef(CHANNEL, str(response.get("channel") or channel_id), str(response["ts"]))
        await self.choices.shown(key, numbered(message), ref)
        return ref

    async def find_tagged(self, key: ConversationKey, tag: str, since: datetime
                          ) -> MessageRef | None:
        """The message sent to ``key`` with ``tag`` since ``since``, or None. Needs the
        ``im:history`` scope (``channels:history``/``groups:history`` for channel threads);
        without it Slack refuses and the ``ChannelError`` says so."""
        channel_id, thread_ts = await self._target(key)
        oldest = f"{max(since.timestamp() - 1.0, 0.0):.6f}"
        cursor = ""
        for _ in range(HISTORY_PAGES):
            page = await self._history_page(channel_id, thread_ts, oldest, cursor)
            for found in page.get("messages") or []:
                if _tag_of(found) == tag:
                    return MessageRef(CHANNEL, channel_id, str(found.get("ts") or ""))
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return None
        return None

    async def _history_page(self, channel_id: str, thread_ts: str | None, oldest: str,
                            cursor: str) -> Any:
        args: dict[str, Any] = {"channel": channel_id, "oldest": oldest, "limit": 200,
                                "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
        if thread_ts:
            return await self._call("conversations.replies", self.client.conversations_replies,
                                    ts=thread_ts, **args)
        return await self._call("conversations.history", self.client.conversations_history,
                                **args)

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        payload = _payload(message)
        payload.setdefault("blocks", [])  # a text replacing a card must clear its blocks
        await self._call("chat.update", self.client.chat_update, channel=ref.conversation,
                         ts=ref.native_id, **payload)
        return ref

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> bool:
        """``views.open``; False (and logged) when Slack refuses, e.g. an expired trigger."""
        try:
            await self._call("views.open", self.client.views_open, trigger_id=trigger_id,
                             view=view)
        except ChannelError as exc:
            log.warning("could not open the modal: %s", exc)
            return False
        return True

    async def _target(self, key: ConversationKey) -> tuple[str, str | None]:
        if key.conversation:
            return split_conversation(key.conversation, key.thread)
        user = key.user
        if "@" in user:
            user = await self._call("users.lookupByEmail", self.people.user_for_email, user)
        return await self._call("conversations.open", self.people.dm_channel, user), None

    async def _call(self, method: str, call: Callable[..., Awaitable[Any]], *args: Any,
                    **kwargs: Any) -> Any:
        try:
            return await call(*args, **kwargs)
        except SlackApiError as exc:
            raise errors.from_api_error(exc, method) from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise transport_error(CHANNEL, method, exc) from exc

    async def _learn_bot_user_id(self) -> None:
        try:
            response = await self._call("auth.test", self.client.auth_test)
        except ChannelError as exc:
            if exc.permanent:
                raise SetupError(f"slack.bot_token: Slack refused it ({exc})") from None
            log.warning("auth.test failed (%s); our own messages are told apart per event", exc)
            return
        self.bot_user_id = str(response.get("user_id") or "")

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """After the ack: who sent it (``identified``) and which numbered choice it names."""
        event = await self.identified(event)
        if isinstance(event, MessageReceived):
            event = await self.choices.as_click(event) or event
        return event

    async def identified(self, event: InboundEvent) -> InboundEvent:
        """``event``, from the email address of its sender when the roster knows them only by
        that; unchanged for everyone else (and when Slack cannot say, which is logged)."""
        user = event.key.user
        if self.roster is None or not user or "@" in user or self.roster.knows(user):
            return event
        try:
            email = await self._call("users.info", self.people.email_of, user)
        except ChannelError as exc:
            log.warning("could not look up slack user %s: %s", user, exc)
            return event
        if not email or not self.roster.reached_by_email(email):
            return event
        return replace(event, key=replace(event.key, user=email))


def _payload(message: Message) -> dict[str, Any]:
    shown = rendered(CHANNEL, lambda: render(message))
    payload: dict[str, Any] = {"text": shown.text}
    if shown.blocks:
        payload["blocks"] = shown.blocks
    return payload


def _tag_of(message: dict[str, Any]) -> str:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != SEND_TAG_EVENT:
        return ""
    return str((metadata.get("event_payload") or {}).get("tag") or "")
