"""Slack payloads -> neutral events. Pure: no I/O, no clock.

- ``event_callback`` ``message`` in a DM (``channel_type == "im"``) -> ``MessageReceived`` keyed
  to the direct conversation; ``app_mention`` in a channel -> ``MessageReceived`` keyed to the
  thread (see ``adapters.slack.addressing``). The event id is Slack's ``event_id``, which a
  redelivery keeps.
- ``block_actions`` button clicks -> ``Click`` (an ``ActionInvoked`` with the card as ``source``,
  plus the ``trigger_id`` a modal needs). The event id is ``act:<action_ts>:<user>``.
- Bots (ourselves included), edits, deletions and joins are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.slack import action_ids
from adapters.slack.addressing import is_direct, thread_conversation
from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef

CHANNEL = "slack"
Payload = Mapping[str, Any]

# A person's message may carry these subtypes; every other subtype is an edit, a join, a bot...
PERSON_SUBTYPES = frozenset({"", "file_share", "thread_broadcast"})
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Click:
    event: ActionInvoked
    trigger_id: str = ""
    needs_reason: bool = False  # the button said so (``Button.needs_reason``)


def messages_from_callback(body: Payload, bot_user_id: str = "") -> list[MessageReceived]:
    """The person's message in an ``event_callback`` body, if it is one we answer."""
    event = body.get("event") or {}
    if body.get("type") != "event_callback" or not isinstance(event, Mapping):
        return []
    bot = bot_user_id or authorized_bot(body)
    if from_a_bot(event, bot):
        return []
    if event.get("type") == "message" and event.get("channel_type") == "im":
        key = ConversationKey(CHANNEL, _team(body), "", event["user"])
        return [_message(body, event, key, bot)]
    if event.get("type") == "app_mention" and event.get("channel"):
        thread = str(event.get("thread_ts") or event.get("ts") or "")
        key = ConversationKey(CHANNEL, _team(body), thread_conversation(event["channel"], thread),
                              event["user"], thread=thread)
        return [_message(body, event, key, bot)]
    return []


def authorized_bot(body: Payload) -> str:
    """Our bot's user id, as Slack states it in ``authorizations`` (Events API only)."""
    for grant in body.get("authorizations") or ():
        if isinstance(grant, Mapping) and grant.get("is_bot") and grant.get("user_id"):
            return str(grant["user_id"])
    return ""


def from_a_bot(event: Payload, bot_user_id: str) -> bool:
    if event.get("bot_id") or event.get("subtype", "") not in PERSON_SUBTYPES:
        return True
    user = event.get("user")
    return not user or user == bot_user_id


def clean_text(text: str, bot_user_id: str = "") -> str:
    """Slack markup -> what the person typed: no bot mention, link labels, unescaped."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = _MENTION.sub(" ", text, count=1) if text.lstrip().startswith("<@") else text
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACES.sub(" ", text).strip()


def clicks_from_block_actions(body: Payload) -> list[Click]:
    """Button clicks on a message (a card); clicks inside modals or on menus are ignored."""
    container = body.get("container") or {}
    user = (body.get("user") or {}).get("id")
    if body.get("type") != "block_actions" or container.get("type") != "message" or not user:
        return []
    key = _click_key(body, container, str(user))
    source = _source(container)
    buttons = [a for a in body.get("actions") or () if a.get("type") == "button"]
    return [_click(body, key, source, action, str(user), i) for i, action in enumerate(buttons)]


def _click(body: Payload, key: ConversationKey, source: MessageRef | None, action: Payload,
           user: str, index: int) -> Click:
    action_id, needs_reason = action_ids.unwrap(str(action["action_id"]))
    event = ActionInvoked(key, _action_event_id(action, user, index), action_id,
                          str(action.get("value") or ""), source)
    return Click(event, str(body.get("trigger_id") or ""), needs_reason)


def _click_key(body: Payload, container: Payload, user: str) -> ConversationKey:
    channel_id = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    team = _team(body)
    if is_direct(channel_id):
        return ConversationKey(CHANNEL, team, "", user)
    message = body.get("message") or {}
    thread = str(container.get("thread_ts") or message.get("thread_ts")
                 or container.get("message_ts") or "")
    return ConversationKey(CHANNEL, team, thread_conversation(channel_id, thread), user,
                           thread=thread)


def _source(container: Payload) -> MessageRef | None:
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return None
    return MessageRef(CHANNEL, str(container.get("channel_id") or ""),
                      str(container["message_ts"]))


def _action_event_id(action: Payload, user: str, index: int) -> str:
    suffix = f":{index}" if index else ""
    return f"act:{action.get('action_ts') or action.get('action_id')}:{user}{suffix}"


def _message(
    body: Payload, event: Payload, key: ConversationKey, bot_user_id: str = ""
) -> MessageReceived:
    return MessageReceived(key, str(body.get("event_id") or event.get("client_msg_id") or ""),
                           clean_text(str(event.get("text") or ""), bot_user_id),
                           _time(body.get("event_time")))


def _team(body: Payload) -> str:
    team = body.get("team_id") or body.get("team") or ""
    return str(team.get("id") or "") if isinstance(team, Mapping) else str(team)


def _time(epoch: Any) -> datetime | None:
    return datetime.fromtimestamp(int(epoch), tz=UTC) if isinstance(epoch, int) else None
