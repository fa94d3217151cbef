"""Neutral messages -> what DingTalk shows. Pure.

- ``Text`` -> a plain text message (``sampleText`` / webhook ``text``), shown as typed.
- ``Card`` with a card template -> ``cardParamMap`` for the template (every value a string;
  ``buttons`` is a JSON array), see README "Connecting DingTalk" for the variables.
- ``Card`` without a template -> a markdown message (``sampleMarkdown`` / webhook
  ``markdown``); the core degrades its buttons to numbered choices (without a template the
  channel has no buttons): the person replies with the number (or the label), which
  ``adapters.kit.choices`` maps back to the button.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.kit.text import bilingual, clip
from chat.replies import Button, Card, Message, Text, plain_text

TEXT_LIMIT = 4000  # conservative: DingTalk documents no exact maximum for robot messages
TITLE_LIMIT = 60  # the title is what the notification and the chat list show
BUTTON_COLORS = {"primary": "blue", "danger": "red", "default": "gray"}


def title_of(message: Message) -> str:
    if isinstance(message, Card) and message.title:
        return clip(message.title, TITLE_LIMIT)
    first = plain_text(message).strip().splitlines()
    return clip(first[0], TITLE_LIMIT) if first else "esmbot"


def markdown(card: Card) -> str:
    """The whole card as one markdown message, its choices numbered."""
    blocks = [f"#### {card.title}"] if card.title else []
    blocks.extend(_content(card))
    if card.choices:
        blocks.append(numbered_hint(card.choices))
    if card.footer:
        blocks.append(f"<font color=#888888>{card.footer}</font>")
    return clip("\n\n".join(blocks), TEXT_LIMIT)


def content_markdown(card: Card) -> str:
    """Body and fields only: a template shows the title, buttons and footer itself."""
    return clip("\n\n".join(_content(card)), TEXT_LIMIT)


def _content(card: Card) -> list[str]:
    blocks = [_lines(card.body)] if card.body else []
    if card.fields:
        blocks.append("  \n".join(_lines(f"**{f.label}**: {f.value}") for f in card.fields))
    return blocks


def _lines(text: str) -> str:
    """Markdown line breaks: a single newline would join the lines."""
    return text.replace("\n", "  \n")


def numbered_hint(buttons: tuple[Button, ...]) -> str:
    choices = " · ".join(f"**{i}** {b.label}" for i, b in enumerate(buttons, 1))
    return f"{bilingual('adapter.choose_hint')}: {choices}"


def robot_message(message: Message) -> tuple[str, dict[str, str]]:
    """``(msgKey, msgParam)`` for ``oToMessages/batchSend`` and ``groupMessages/send``;
    ``msgParam`` still a dict (the caller JSON-encodes it into a string)."""
    if isinstance(message, Text):
        return "sampleText", {"content": clip(message.text, TEXT_LIMIT)}
    return "sampleMarkdown", {"title": title_of(message),
                              "text": markdown(message)}


def webhook_message(message: Message, *, at_user: str = "") -> dict[str, Any]:
    """The body POSTed to a ``sessionWebhook``; ``at_user`` is notified (group replies)."""
    body: dict[str, Any]
    if isinstance(message, Text):
        body = {"msgtype": "text", "text": {"content": clip(message.text, TEXT_LIMIT)}}
    else:
        body = {"msgtype": "markdown",
                "markdown": {"title": title_of(message),
                             "text": markdown(message)}}
    if at_user:
        body["at"] = {"atUserIds": [at_user]}
    return body


def card_params(message: Message) -> dict[str, str]:
    """``cardParamMap`` for the configured card template (a ``Text`` is a card without
    title or buttons, for when a card is updated to plain words)."""
    card = message if isinstance(message, Card) else Card(title="", body=message.text)
    buttons = [{"text": b.label, "action_id": b.action_id, "value": b.value, "style": b.style,
                "color": BUTTON_COLORS.get(b.style, "gray")} for b in card.buttons]
    return {
        "title": card.title,
        "markdown": content_markdown(card),
        "footer": card.footer,
        "text": clip(plain_text(card), TEXT_LIMIT),
        "buttons": json.dumps(buttons, ensure_ascii=False),
        "has_buttons": "true" if buttons else "false",
    }
