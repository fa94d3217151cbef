"""Neutral messages as terminal text, buttons numbered so typing the number clicks them."""

from __future__ import annotations

import unicodedata

from chat.replies import Button, Card, Message, Text


def render(message: Message, *, width: int = 64) -> str:
    if isinstance(message, Text):
        return message.text
    return _render_card(message, width)


def numbered_buttons(message: Message) -> tuple[Button, ...]:
    """What a typed number clicks: a card's buttons (the terminal numbers them all)."""
    return message.buttons + message.choices if isinstance(message, Card) else ()


def _render_card(card: Card, width: int) -> str:
    lines = [f"┌─ {card.title}"]
    if card.body:
        lines.extend(f"│ {line}" for line in card.body.splitlines())
    for f in card.fields:
        first, *more = f.value.splitlines() or [""]
        lines.append(f"│   {f.label}: {first}")
        lines.extend(f"│   {' ' * _width(f.label)}  {line}" for line in more)
    if numbered_buttons(card):
        choices = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(numbered_buttons(card), 1))
        lines.append(f"│ {choices}")
    if card.footer:
        lines.append(f"│ {card.footer}")
    lines.append("└" + "─" * min(width, 40))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
