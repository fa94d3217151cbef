"""``esmbot sla recompute``: derive every open request's clocks and timers again."""

from __future__ import annotations

from bot.features.time.firing import SYSTEM
from bot.features.time.install import RunningBot
from bot.features.time.resync import resync
from bot.turn import Turn
from bot.views import FINAL_STATUSES
from chat.events import ConversationKey
from store import requests
from store.requests import parse_request_id


async def recompute(app: RunningBot, request_text: str | None = None) -> int:
    """Recompute one request (``REQ-12``) or every request that is not finished."""
    if request_text:
        number = parse_request_id(request_text)
        if number is None:
            raise LookupError(f"{request_text!r} is not a request id such as REQ-12")
        numbers = [number]
    else:
        async with app.db.unit_of_work() as uow:
            rows = await requests.list_requests(uow.session, limit=1_000_000)
        numbers = [r.id or 0 for r in rows if r.status not in FINAL_STATUSES]
    for number in numbers:
        async with app.db.unit_of_work() as uow:
            if await requests.get_request(uow.session, request_id=number) is None:
                raise LookupError(f"REQ-{number} does not exist")
            turn = Turn(services=app.services, uow=uow, person=SYSTEM, now=app.services.clock(),
                        key=ConversationKey(channel="console", tenant="", conversation="",
                                            user=""), fired_by="cli")
            await resync(turn, number)
    return len(numbers)
