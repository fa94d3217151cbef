"""Neutral messages -> Slack ``text`` + Block Kit blocks, within Slack's documented limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.kit.choices import numbered
from adapters.kit.errors import RenderError
from adapters.kit.text import ELLIPSIS, bilingual, clip
from adapters.slack import action_ids
from chat.replies import Button, Card, CardField, Message, Text, plain_text

Block = dict[str, Any]

TEXT_LIMIT = 40000  # Slack truncates longer messages
SECTION_TEXT_LIMIT = 3000
TITLE_LIMIT = 500
FIELD_TEXT_LIMIT = 2000
FIELDS_PER_SECTION = 10
BUTTONS_PER_ACTIONS = 5
BUTTON_TEXT_LIMIT = 75
ACTION_ID_LIMIT = 255
BUTTON_VALUE_LIMIT = 2000


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification and fallback text (mrkdwn, escaped)
    blocks: list[Block] = field(default_factory=list)


def render(message: Message) -> SlackMessage:
    text = escape_clipped(plain_text(message), TEXT_LIMIT)
    if isinstance(message, Text):
        return SlackMessage(text=text)
    return SlackMessage(text=text, blocks=card_blocks(message))


def card_blocks(card: Card) -> list[Block]:
    blocks = [block for block in [_heading(card)] if block]
    blocks.extend(_field_sections(card.fields))
    blocks.extend(_action_blocks(card.buttons))
    if numbered(card):
        blocks.append(_choices(numbered(card)))
    if card.footer:
        blocks.append(_footer(card.footer))
    return blocks


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn and ``text``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_clipped(text: str, limit: int) -> str:
    """Escape, then cut to ``limit`` without splitting an ``&amp;``-style entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - len(ELLIPSIS)]
    amp = cut.rfind("&", max(0, len(cut) - 4))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def _heading(card: Card) -> Block | None:
    title = f"*{escape_clipped(card.title, TITLE_LIMIT)}*" if card.title else ""
    room = SECTION_TEXT_LIMIT - len(title) - 1
    body = escape_clipped(card.body, room) if card.body else ""
    text = "\n".join(part for part in (title, body) if part)
    return {"type": "section", "text": _mrkdwn(text)} if text else None


def _field_text(item: CardField) -> str:
    label = f"*{escape(item.label)}*"
    return label + "\n" + escape_clipped(item.value, FIELD_TEXT_LIMIT - len(label) - 1)


def _field_sections(fields: tuple[CardField, ...]) -> list[Block]:
    return [
        {"type": "section",
         "fields": [_mrkdwn(_field_text(f)) for f in fields[i:i + FIELDS_PER_SECTION]]}
        for i in range(0, len(fields), FIELDS_PER_SECTION)
    ]


def _action_blocks(buttons: tuple[Button, ...]) -> list[Block]:
    return [
        {"type": "actions",
         "elements": [button_element(b) for b in buttons[i:i + BUTTONS_PER_ACTIONS]]}
        for i in range(0, len(buttons), BUTTONS_PER_ACTIONS)
    ]


def _choices(choices: tuple[Button, ...]) -> Block:
    """Numbered choices (a card with more buttons than Slack takes): a reply picks one."""
    lines = [bilingual("adapter.choose_hint") + ":"]
    lines.extend(f"{i}. {b.label}" for i, b in enumerate(choices, 1))
    return {"type": "section", "text": _mrkdwn(escape_clipped("\n".join(lines),
                                                               SECTION_TEXT_LIMIT))}


def button_element(button: Button) -> Block:
    action_id = action_ids.wrap(button)
    if not button.action_id or len(action_id) > ACTION_ID_LIMIT:
        raise RenderError(f"action_id must be 1-{ACTION_ID_LIMIT} chars: {button.action_id!r}")
    if len(button.value) > BUTTON_VALUE_LIMIT:
        raise RenderError(f"button value over {BUTTON_VALUE_LIMIT} chars: {button.action_id}")
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": clip(button.label or "·", BUTTON_TEXT_LIMIT),
                 "emoji": True},
    }
    if button.value:
        element["value"] = button.value
    if button.style != "default":
        element["style"] = button.style
    return element


def _footer(footer: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(escape_clipped(footer, SECTION_TEXT_LIMIT))]}
