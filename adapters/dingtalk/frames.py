"""Stream-mode frames (CHANNELS.md §3.1): what the gateway pushes, and the ACK each one gets. Pure.

A frame is ``{"specVersion", "type": SYSTEM|EVENT|CALLBACK, "headers": {"topic", "messageId",
...}, "data": "<JSON string>"}``. Every frame is answered with ``{"code": 200, "headers":
{"contentType": "application/json", "messageId": <same>}, "message": ..., "data": "<JSON
string>"}``: a CALLBACK's data is ``{"response": <answer>}``; SYSTEM and EVENT frames get their
own data back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SYSTEM, EVENT, CALLBACK = "SYSTEM", "EVENT", "CALLBACK"
BOT_MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_CALLBACK_TOPIC = "/v1.0/card/instances/callback"
PING, DISCONNECT = "ping", "disconnect"
JSON_TYPE = "application/json"


class FrameError(ValueError):
    """Not a stream frame."""


@dataclass(frozen=True)
class Frame:
    type: str
    topic: str
    message_id: str
    raw_data: str = ""
    headers: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        """``data`` decoded; {} when it is empty or not a JSON object."""
        try:
            decoded = json.loads(self.raw_data) if self.raw_data else {}
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}


def parse(text: str) -> Frame:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise FrameError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("headers"), dict):
        raise FrameError("no headers")
    headers = raw["headers"]
    data = raw.get("data")
    return Frame(type=str(raw.get("type") or ""), topic=str(headers.get("topic") or ""),
                 message_id=str(headers.get("messageId") or ""),
                 raw_data=data if isinstance(data, str) else json.dumps(data or {}),
                 headers=headers)


def callback_ack(frame: Frame, response: Any, code: int = 200) -> dict[str, Any]:
    return _ack(frame, code, "OK" if code == 200 else "not handled",
                json.dumps({"response": response}, ensure_ascii=False))


def echo_ack(frame: Frame) -> dict[str, Any]:
    """SYSTEM (ping, disconnect) and EVENT frames: their data comes back."""
    return _ack(frame, 200, "OK", frame.raw_data)


def _ack(frame: Frame, code: int, message: str, data: str) -> dict[str, Any]:
    return {"code": code, "headers": {"contentType": JSON_TYPE, "messageId": frame.message_id},
            "message": message, "data": data}
