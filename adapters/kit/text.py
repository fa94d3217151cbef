"""Cutting text to a platform's limit, with an ellipsis that says something was cut."""

from __future__ import annotations

from chat.i18n import say

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def clip_bytes(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` UTF-8 bytes, cut on a character boundary."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode())
    return data[:room].decode(errors="ignore") + ELLIPSIS


def bilingual(key: str, **values: object) -> str:
    """Both languages in one line, ``"中文 · English"``: for what a platform shows before it
    knows whom it shows it to (a button greyed out, a hint, a dialog's title)."""
    return f"{say(key, 'zh', **values)} · {say(key, 'en', **values)}"
