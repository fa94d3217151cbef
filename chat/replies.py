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
    needs_reason: bool = False  # the click must carry a reason (a platform may ask in a dialog)


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
    # Numbered choices a reply picks: the buttons of a card degraded for a channel that cannot
    # show them (``chat.channel.degrade``); empty on every card the core builds.
    choices: tuple[Button, ...] = field(default_factory=tuple)


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
        "buttons": [_button_to_dict(b) for b in message.buttons],
        "footer": message.footer,
        "asks": message.asks,
        **({"choices": [_button_to_dict(b) for b in message.choices]} if message.choices else {}),
    }


def _button_to_dict(button: Button) -> dict[str, Any]:
    data: dict[str, Any] = {"label": button.label, "action_id": button.action_id,
                            "value": button.value, "style": button.style}
    if button.needs_reason:
        data["needs_reason"] = True
    return data


def _button_from_dict(data: dict[str, Any]) -> Button:
    return Button(label=str(data["label"]), action_id=str(data["action_id"]),
                  value=str(data.get("value", "")), style=data.get("style", "default"),
                  needs_reason=bool(data.get("needs_reason", False)))


def message_from_dict(data: dict[str, Any]) -> Message:
    if data.get("kind") == "text":
        return Text(text=str(data.get("body", "")), asks=data.get("asks"))
    return Card(
        title=str(data.get("title", "")),
        body=str(data.get("body", "")),
        fields=tuple(CardField(str(f["label"]), str(f["value"])) for f in data.get("fields", [])),
        buttons=tuple(_button_from_dict(b) for b in data.get("buttons", [])),
        footer=str(data.get("footer", "")),
        asks=data.get("asks"),
        choices=tuple(_button_from_dict(b) for b in data.get("choices", [])),
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
