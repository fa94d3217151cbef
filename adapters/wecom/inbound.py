"""Decrypted WeCom callbacks -> neutral events. Pure: no I/O, no clock.

- ``MsgType=text`` -> ``MessageReceived`` from the member's direct conversation with the app.
- ``Event=template_card_event`` (a button on one of our cards) -> ``CardClick``: an
  ``ActionInvoked`` whose ``action_id`` is the button's key (``EventKey``) and whose ``source``
  is the card (``native_id`` = its ``TaskId``) carrying the click's single-use ``ResponseCode``
  as ``update_token``.
- ``Event=click`` (a custom menu item of the app) -> ``ActionInvoked`` with the item's key, so a
  menu can hold keys such as ``cat`` (the catalog) or ``mine`` (my requests).
- ``Event=enter_agent`` (the member opened the app) -> ``Entered``; the channel decides whether
  a greeting is due.
- Anything else (images, voice, location, other events, another app's AgentID) is ignored.

Event ids, for the core's dedupe of WeCom's retries: a message's ``MsgId``; an event's
``FromUserName`` + ``CreateTime`` (WeCom's advice), with its type, task and key added so two
different events in one second are not taken for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef

CHANNEL = "wecom"
RESPONSE_CODE_VALIDITY = timedelta(hours=72)  # "72小时内有效，且只能使用一次"


@dataclass(frozen=True)
class Entered:
    """The member opened the app's conversation (``enter_agent``)."""

    key: ConversationKey
    event_id: str
    received_at: datetime | None = None


@dataclass(frozen=True)
class CardClick:
    """A button on one of our template cards."""

    event: ActionInvoked
    task_id: str
    response_code: str


Inbound = MessageReceived | ActionInvoked | CardClick | Entered


def fields_of(message: Mapping[str, Any]) -> dict[str, str]:
    """The text children of a decrypted ``<xml>`` (CDATA or not); nested elements dropped."""
    return {name: str(value).strip() for name, value in message.items()
            if isinstance(value, str | int)}


def translate(fields: Mapping[str, str], *, corp_id: str, agent_id: int) -> Inbound | None:
    """The neutral event for a decrypted callback, or None for what esmbot does not answer."""
    user = fields.get("FromUserName", "")
    agent = fields.get("AgentID", "")
    if not user or (agent and agent != str(agent_id)):
        return None
    key = ConversationKey(CHANNEL, corp_id, "", user)
    at = _time(fields.get("CreateTime"))
    kind = fields.get("MsgType", "").lower()
    if kind == "text":
        return MessageReceived(key, fields.get("MsgId") or event_id(fields),
                               fields.get("Content", ""), at)
    if kind != "event":
        return None
    event = fields.get("Event", "").lower()
    if event == "enter_agent":
        return Entered(key, event_id(fields), at)
    if event == "click" and fields.get("EventKey"):
        return ActionInvoked(key, event_id(fields), fields["EventKey"], received_at=at)
    if event == "template_card_event":
        return _card_click(fields, key, at)
    return None


def event_id(fields: Mapping[str, str]) -> str:
    """``MsgId`` when there is one, else ``FromUserName:CreateTime:Event[:TaskId:EventKey]``."""
    if fields.get("MsgId"):
        return fields["MsgId"]
    parts = [fields.get("FromUserName", ""), fields.get("CreateTime", ""),
             fields.get("Event", "")]
    if fields.get("TaskId") or fields.get("EventKey"):
        parts += [fields.get("TaskId", ""), fields.get("EventKey", "")]
    return ":".join(parts)


def _card_click(fields: Mapping[str, str], key: ConversationKey, at: datetime | None
                ) -> CardClick | None:
    action, task_id = fields.get("EventKey", ""), fields.get("TaskId", "")
    if not action or not task_id:
        return None
    code = fields.get("ResponseCode", "")
    source = MessageRef(CHANNEL, key.user, task_id, update_token=code or None,
                        expires_at=(at + RESPONSE_CODE_VALIDITY) if code and at else None)
    return CardClick(ActionInvoked(key, event_id(fields), action, source=source, received_at=at),
                     task_id, code)


def _time(epoch: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(epoch or ""), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
