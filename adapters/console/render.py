"""Neutral messages as terminal text, buttons numbered so typing the number clicks them."""

from __future__ import annotations

from bot.replies import Card, Message, Text


def render(message: Message, *, width: int = 64) -> str:
    if isinstance(message, Text):
        return message.text
    return _render_card(message, width)


def _render_card(card: Card, width: int) -> str:
    lines = [f"┌─ {card.title}"]
    if card.body:
        lines.extend(f"│ {line}" for line in card.body.splitlines())
    lines.extend(f"│   {f.label}: {f.value}" for f in card.fields)
    if card.buttons:
        numbered = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(card.buttons, 1))
        lines.append(f"│ {numbered}")
    if card.footer:
        lines.append(f"│ {card.footer}")
    lines.append("└" + "─" * min(width, 40))
    return "\n".join(lines)
