"""Failures every adapter maps the same way: setup refusals, throttling, transport trouble."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from chat.channel import ChannelError

TRANSPORT_TEXT_LIMIT = 300
Rendered = TypeVar("Rendered")


class SetupError(Exception):
    """A platform refused our credentials at start-up; the message names the setting to fix."""


class RenderError(ValueError):
    """The message cannot be shown on the platform without losing what a click must carry."""


def rendered(platform: str, render: Callable[[], Rendered]) -> Rendered:
    """``render()``; a message the platform cannot show fails for good (retrying cannot
    help)."""
    try:
        return render()
    except RenderError as exc:
        raise ChannelError(f"{platform}: cannot render: {exc}", permanent=True) from exc


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """The seconds of a ``Retry-After`` header (any case), or None when absent or unreadable."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


def transport_error(platform: str, method: str, exc: BaseException,
                    scrub: Callable[[str], str] = str) -> ChannelError:
    """Connection refused, reset, timed out...: worth another try later. ``scrub`` removes
    what must not reach a log (tokens in a URL) before the text is cut."""
    text = scrub(f"{platform} {method}: {type(exc).__name__}: {exc}")
    return ChannelError(text[:TRANSPORT_TEXT_LIMIT])
