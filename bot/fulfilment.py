"""After approval (or at once, for services without approval): the request is worked on.

The owner group holds it until the service's fulfilment tasks exist (the task graph comes with
the fulfilment issue); the status change is audited either way.
"""

from __future__ import annotations

from bot.turn import Turn
from bot.views import owner_name
from dialogs.model import Service
from store import requests
from store.models import RequestRow
from store.requests import format_request_id


async def begin(turn: Turn, request: RequestRow, service: Service | None) -> str:
    """Move the request to ``in_progress``; returns who holds it now, in the requester's
    language."""
    await requests.set_status(turn.session, request=request, status="in_progress", reason=None,
                              now=turn.now)
    await turn.audit("request.in_progress", format_request_id(request.id or 0), {})
    return owner_name(turn.services.bundle.directory, service, turn.locale_of(request.requester))
