"""Addresses in the web console for messages in chat (only when `[web] public_url` is set)."""

from __future__ import annotations

from bot.settings import WebSettings


def console_url(public_url: str, path: str = "") -> str:
    return f"{public_url.rstrip('/')}/console/{path}"


def request_url(web: WebSettings, rid: str) -> str | None:
    """``{public_url}/console/requests/REQ-n``, or None when the console has no address."""
    if not web.enabled or not web.public_url:
        return None
    return console_url(web.public_url, f"requests/{rid}")
