"""DingTalk payloads -> neutral events. Pure: no I/O, no clock.

- A robot message (stream topic ``/v1.0/im/bot/messages/get`` or the HTTP-mode body; the same
  JSON) -> ``RobotMessage``: a ``MessageReceived`` whose event id is the ``msgId`` (a
  redelivery keeps it), plus the conversation's ``sessionWebhook`` and its expiry.
  A one-to-one chat (``conversationType`` "1") is keyed ``conversation="" user=<staff id>``,
  the key the core's ``address_of`` builds, so replies and proactive cards share one dialog; a
  group (``"2"``, the robot was @mentioned) is keyed ``conversation=<openConversationId>``.
- A card callback (topic ``/v1.0/card/instances/callback``) -> ``CardClick``: who clicked
  which action on which card (``outTrackId``); ``click_event`` makes it an ``ActionInvoked``.

The tenant is always "": an enterprise-internal robot serves one organisation, and a key must
be the same whether it comes from a message or a card click (which may carry no corp id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef

CHANNEL = "dingtalk"
TENANT = ""
GROUP = "2"
CARD_TOKEN = "card"  # MessageRef.update_token of an interactive card: PUT can change it
Payload = Mapping[str, Any]


@dataclass(frozen=True)
class RobotMessage:
    event: MessageReceived
    webhook: str = ""
    webhook_expires_ms: int = 0
    created_ms: int = 0  # ``createAt``: when the person wrote it (as the body says)

    @property
    def in_group(self) -> bool:
        return bool(self.event.key.conversation)


@dataclass(frozen=True)
class CardClick:
    out_track_id: str
    user: str
    action_id: str
    value: str = ""
    space_type: str = ""
    space_id: str = ""

    @property
    def in_group(self) -> bool:
        return "GROUP" in self.space_type.upper()


def robot_message(data: Payload) -> RobotMessage | None:
    """The person's message, or None for what we do not answer (no sender, no text)."""
    user = str(data.get("senderStaffId") or data.get("senderId") or "")
    text = message_text(data)
    if not user or not text:
        return None
    conversation = str(data.get("conversationId") or "") \
        if str(data.get("conversationType") or "") == GROUP else ""
    key = ConversationKey(CHANNEL, TENANT, conversation, user)
    event_id = str(data.get("msgId") or f"{conversation or user}:{data.get('createAt')}")
    return RobotMessage(MessageReceived(key, event_id, text, _time(data.get("createAt"))),
                        str(data.get("sessionWebhook") or ""),
                        _int(data.get("sessionWebhookExpiredTime")), _int(data.get("createAt")))


def message_text(data: Payload) -> str:
    """What the person wrote: text, the words of rich text, or speech recognised by DingTalk.
    The @mention itself is already removed by DingTalk (a leading space remains)."""
    kind = data.get("msgtype")
    content = data.get("content")
    content = content if isinstance(content, Mapping) else {}
    if kind == "text":
        text = data.get("text")
        return str(text.get("content") or "").strip() if isinstance(text, Mapping) else ""
    if kind == "richText":
        parts = content.get("richText") or []
        return "".join(str(p.get("text") or "") for p in parts
                       if isinstance(p, Mapping)).strip()
    if kind == "audio":
        return str(content.get("recognition") or "").strip()
    return ""


def card_click(data: Payload) -> CardClick | None:
    """A button click on one of our interactive cards; None if it is not one.

    The card template's buttons post back ``params`` ``action_id`` and ``value`` (README
    "Connecting DingTalk"); a template whose button sets the action as its ``actionId``
    works too.
    """
    out_track_id = str(data.get("outTrackId") or "")
    user = str(data.get("userId") or "")
    private = _decoded(data.get("content")).get("cardPrivateData")
    private = private if isinstance(private, Mapping) else {}
    params = private.get("params")
    params = params if isinstance(params, Mapping) else {}
    action_ids = private.get("actionIds") or []
    action = params.get("action_id") or params.get("actionId") or (
        action_ids[0] if isinstance(action_ids, list) and action_ids else "")
    if not out_track_id or not user or not action:
        return None
    return CardClick(out_track_id, user, str(action), str(params.get("value") or ""),
                     str(data.get("spaceType") or ""), str(data.get("spaceId") or ""))


def click_event(click: CardClick, event_id: str, conversation: str | None) -> ActionInvoked:
    """``conversation``: where the card was posted, if known ("" = the clicker's own chat);
    otherwise the callback's space decides."""
    if conversation is None:
        conversation = click.space_id if click.in_group else ""
    key = ConversationKey(CHANNEL, TENANT, conversation, click.user)
    source = MessageRef(CHANNEL, conversation, click.out_track_id, update_token=CARD_TOKEN)
    return ActionInvoked(key, event_id, click.action_id, click.value, source)


def _decoded(value: Any) -> Mapping[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _time(epoch_ms: Any) -> datetime | None:
    millis = _int(epoch_ms)
    return datetime.fromtimestamp(millis / 1000, tz=UTC) if millis else None
