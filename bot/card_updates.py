"""One live copy of a card per recipient, brought up to date after something changed.

Cards are queued with a correlation such as ``apr:<step>:<seat>:<person>``. When a card is
queued again for the same recipient conversation (bob typed 待我审批 four times), the older
copies are retired first: a sent one is edited to say "Updated: see the latest message" where
the platform can edit (a ``retire`` row; left alone where it cannot), one not sent yet is not
sent at all; either way its correlation gets the ``retired:`` prefix, so only the latest copy
is found again. ``refresh`` then re-renders the live copies only: a copy not sent yet is
rewritten in the outbox, so it goes out current; a sent copy gets an ``update`` (the channel
edits it in place, or sends it anew when it cannot), one per recipient, never one per copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Card, Message, message_from_dict, message_to_dict
from store import outbox
from store.models import OutboxRow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.turn import Turn


async def retire_older(session: AsyncSession, target: ConversationKey, correlation: str, *,
                       locale: str, now: datetime) -> int:
    """Before a new copy of the card ``correlation`` is queued for ``target``: retire the
    copies it replaces; returns how many."""
    recipient = outbox.recipient_key(target.as_dict())
    rows = await outbox.live_copies(session, recipient_key=recipient, correlation=correlation)
    for row in rows:
        sent_ref = row.sent_ref if row.state == "sent" else None
        await outbox.mark_retired(session, row=row)
        if sent_ref:
            await outbox.enqueue(session, recipient=row.recipient, channel=row.channel,
                                 message=message_to_dict(retired_card(row, locale)),
                                 kind="retire", target_ref=sent_ref, now=now)
    return len(rows)


def retired_card(row: OutboxRow, locale: str) -> Card:
    """What an older copy becomes: its title, a pointer to the latest copy, no buttons."""
    old = message_from_dict(row.message)
    title = old.title if isinstance(old, Card) else ""
    return Card(title=title, body=say("cards.retired", locale))


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
