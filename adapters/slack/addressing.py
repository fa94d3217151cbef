"""How a Slack channel and thread are written into ``ConversationKey.conversation``."""

from __future__ import annotations

THREAD_SEPARATOR = "/"  # never part of a Slack channel id or ts


def thread_conversation(channel_id: str, thread_ts: str) -> str:
    return f"{channel_id}{THREAD_SEPARATOR}{thread_ts}"


def split_conversation(conversation: str, thread: str | None = None) -> tuple[str, str | None]:
    """``"C1/171.2"`` -> ``("C1", "171.2")``; a bare channel id keeps ``thread`` as given."""
    channel_id, sep, thread_ts = conversation.partition(THREAD_SEPARATOR)
    return channel_id, (thread_ts if sep else thread) or None


def is_direct(channel_id: str) -> bool:
    """Slack ids of direct-message channels start with ``D``."""
    return channel_id.startswith("D")
