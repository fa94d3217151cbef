"""Slack request bodies as Slack sends them (shapes from CHANNELS.md §1 and bolt's tests)."""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import quote

TEAM = "T0DEMO"
BOT = "U0ESMBOT"
_ids = itertools.count(1)


def next_ts() -> str:
    """A fresh message ``ts`` (a redelivery keeps its own, so tests pass it explicitly)."""
    return f"1700000500.{next(_ids):06d}"


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "verification-token", "team_id": TEAM, "api_app_id": "A0ESMBOT",
        "type": "event_callback", "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": 1700000000, "event": event,
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def dm(user: str, text: str, *, channel: str = "", ts: str = "1700000100.000100",
       **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": channel or "D" + user.removeprefix("U"),
            "user": user, "text": text, "ts": ts, "event_ts": ts, "channel_type": "im",
            "team": TEAM, **extra}


def mention(user: str, text: str, *, channel: str = "C0GENERAL", ts: str = "1700000200.000200",
            thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "channel": channel, "user": user,
             "text": f"<@{BOT}> {text}", "ts": ts, "event_ts": ts, "team": TEAM}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def block_actions(user: str, action_id: str, *, value: str = "", channel: str = "",
                  message_ts: str = "1700000000.000001", thread_ts: str | None = None,
                  trigger_id: str = "111.222.trigger", action_ts: str = "") -> dict[str, Any]:
    channel = channel or "D" + user.removeprefix("U")
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts,
                                 "channel_id": channel, "is_ephemeral": False}
    message: dict[str, Any] = {"type": "message", "ts": message_ts, "bot_id": "B0ESMBOT"}
    if thread_ts:
        container["thread_ts"] = message["thread_ts"] = thread_ts
    return {
        "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0ESMBOT", "token": "verification-token", "container": container,
        "trigger_id": trigger_id, "team": {"id": TEAM, "domain": "demo"},
        "channel": {"id": channel, "name": "directmessage"}, "message": message,
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "type": "button",
                     "text": {"type": "plain_text", "text": "Button", "emoji": True},
                     "action_ts": action_ts or f"1700000300.{next(_ids):06d}"}],
    }


def view_submission(user: str, metadata: str, reason: str, *, view_id: str = "V0001",
                    callback_id: str = "esmbot.reject_reason") -> dict[str, Any]:
    return {
        "type": "view_submission", "team": {"id": TEAM, "domain": "demo"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0ESMBOT", "token": "verification-token", "trigger_id": "333.444.t",
        "view": {"id": view_id, "type": "modal", "callback_id": callback_id,
                 "private_metadata": metadata,
                 "state": {"values": {"reason": {"text": {"type": "plain_text_input",
                                                          "value": reason}}}}},
    }


def form_body(payload: dict[str, Any]) -> str:
    """Interactivity requests: ``payload=<url-encoded JSON>``, signed as sent."""
    return f"payload={quote(json.dumps(payload))}"
