"""One live copy of a card per recipient: a card shown again retires the copies it replaces.

Cards are queued with a correlation such as ``apr:<step>:<seat>:<person>``. When a card is
queued again for the same recipient conversation (bob typed 待我审批 four times), the older
copies are retired first: a sent one is edited to say "Updated: see the latest message" where
the platform can edit (a ``retire`` row, never sent as a new message; left alone where the
platform cannot edit), one not sent yet is not sent at all. Either way its correlation gets the
``retired:`` prefix, so only the latest copy is found again (by ``bot.card_updates.refresh``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Card, message_from_dict, message_to_dict
from store import outbox
from store.models import OutboxRow


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
