"""Bring the live copy of a card up to date after something changed (a decision, a claim).

Cards are queued with a correlation such as ``apr:<step>:<seat>:<person>``; each recipient
has one live copy of each card (``bot.card_copies`` retires the older ones when a card is
shown again). ``refresh`` re-renders the live copies only: a copy not sent yet is rewritten in
the outbox, so it goes out current; a sent copy gets an ``update`` (the channel edits it in
place, or sends it anew when it cannot), one per recipient, never one per copy seen.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.turn import Turn
from chat.replies import Message, message_to_dict
from store import outbox
from store.models import OutboxRow


async def refresh(
    turn: Turn, prefix: str, render: Callable[[OutboxRow], Message | None]
) -> int:
    """Re-render the live cards whose correlation starts with ``prefix``; returns how many."""
    changed = 0
    for row in _latest_per_recipient(
            await outbox.cards_with_prefix(turn.session, prefix=prefix)):
        message = render(row)
        if message is None or row.state == "dead":
            continue
        data = message_to_dict(message)
        if row.state == "pending":
            await outbox.rewrite(turn.session, row=row, message=data)
        else:
            await outbox.enqueue(
                turn.session, recipient=row.recipient, message=data, channel=row.channel,
                kind="update", target_ref=row.sent_ref if row.state == "sent" else None,
                now=turn.now)
        changed += 1
    return changed


def _latest_per_recipient(rows: list[OutboxRow]) -> list[OutboxRow]:
    """The newest copy of each card to each recipient (older ones queued before copies were
    retired are left as they are), in queue order."""
    latest: dict[tuple[str, str], OutboxRow] = {}
    for row in rows:  # oldest first: a later copy replaces an earlier one
        latest[(row.recipient_key, row.correlation or "")] = row
    return sorted(latest.values(), key=lambda row: row.id or 0)
