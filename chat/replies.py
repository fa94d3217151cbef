"""Neutral outbound messages: what the core asks a channel to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class CardField:
    label: str
    value: str


@dataclass(frozen=True)
class Text:
    text: str
    asks: str | None = None  # id of the dialog field this message asks for, if any


@dataclass(frozen=True)
class Card:
    title: str
    body: str = ""
    fields: tuple[CardField, ...] = field(default_factory=tuple)
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    footer: str = ""
    asks: str | None = None


Message = Text | Card


def message_to_dict(message: Message) -> dict[str, Any]:
    """A stable JSON form, used by the outbox and by ``esmbot chat --jsonl``."""
    if isinstance(message, Text):
        return {"kind": "text", "title": "", "body": message.text, "fields": [], "buttons": [],
                "footer": "", "asks": message.asks}
    return {
        "kind": "card",
        "title": message.title,
        "body": message.body,
        "fields": [{"label": f.label, "value": f.value} for f in message.fields],
        "buttons": [
            {"label": b.label, "action_id": b.action_id, "value": b.value, "style": b.style}
            for b in message.buttons
        ],
        "footer": message.footer,
        "asks": message.asks,
    }


def message_from_dict(data: dict[str, Any]) -> Message:
    if data.get("kind") == "text":
        return Text(text=str(data.get("body", "")), asks=data.get("asks"))
    return Card(
        title=str(data.get("title", "")),
        body=str(data.get("body", "")),
        fields=tuple(CardField(str(f["label"]), str(f["value"])) for f in data.get("fields", [])),
        buttons=tuple(
            Button(
                label=str(b["label"]),
                action_id=str(b["action_id"]),
                value=str(b.get("value", "")),
                style=b.get("style", "default"),
            )
            for b in data.get("buttons", [])
        ),
        footer=str(data.get("footer", "")),
        asks=data.get("asks"),
    )


def plain_text(message: Message) -> str:
    """Fallback text for notifications and channels without rich rendering."""
    if isinstance(message, Text):
        return message.text
    lines = [message.title] if message.title else []
    if message.body:
        lines.append(message.body)
    lines.extend(f"{f.label}: {f.value}" for f in message.fields)
    if message.footer:
        lines.append(message.footer)
    return "\n".join(lines)
