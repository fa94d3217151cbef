"""Where is my request: the list of mine, one request's status, and withdrawing one."""

from __future__ import annotations

from bot import conversation, views
from bot.access import can_see, owners_of
from bot.i18n import say
from bot.replies import Text
from bot.turn import Turn
from store import requests
from store.models import RequestRow
from store.requests import format_request_id

MY_REQUESTS_LIMIT = 10


async def my_requests(turn: Turn) -> None:
    rows = await requests.list_requests(turn.session, requester=turn.person.id,
                                        limit=MY_REQUESTS_LIMIT)
    if not rows:
        await turn.reply(Text(say("req.none", turn.locale)))
        return
    services = turn.services.bundle.catalog.services
    await turn.reply(views.my_requests_card(rows, services, turn.person))


async def show_status(turn: Turn, request_id: int) -> None:
    row = await _visible_request(turn, request_id)
    if row is None:
        return
    bundle = turn.services.bundle
    service = bundle.catalog.get(row.service_id)
    card = views.status_card(row, service, turn.person, bundle.directory,
                             holder=_holder(turn, row))
    await turn.reply(card)


async def ask_withdraw_reason(turn: Turn, request_id: int) -> None:
    row = await _withdrawable(turn, request_id)
    if row is None:
        return
    await conversation.save(turn, {"kind": "prompt", "purpose": "withdraw", "request": row.id})
    await turn.reply(Text(say("req.withdraw_ask_reason", turn.locale,
                              rid=format_request_id(request_id))))


async def withdraw(turn: Turn, request_id: int, reason: str) -> None:
    if not reason.strip():
        await ask_withdraw_reason(turn, request_id)
        return
    row = await _withdrawable(turn, request_id)
    if row is None:
        return
    rid = format_request_id(request_id)
    await requests.set_status(turn.session, request=row, status="withdrawn",
                              reason=reason.strip(), now=turn.now)
    await turn.audit("request.withdrawn", rid, {"reason": reason.strip()})
    await turn.reply(Text(say("req.withdrawn", turn.locale, rid=rid, reason=reason.strip())))


async def _visible_request(turn: Turn, request_id: int) -> RequestRow | None:
    row = await requests.get_request(turn.session, request_id=request_id)
    bundle = turn.services.bundle
    service = bundle.catalog.get(row.service_id) if row else None
    if row is None or not can_see(turn.person, row, service, bundle.directory):
        await turn.reply(Text(say("req.not_found", turn.locale,
                                  rid=format_request_id(request_id))))
        return None
    return row


async def _withdrawable(turn: Turn, request_id: int) -> RequestRow | None:
    row = await _visible_request(turn, request_id)
    if row is None:
        return None
    rid = format_request_id(request_id)
    if row.requester != turn.person.id:
        await turn.reply(Text(say("req.only_requester_withdraws", turn.locale, rid=rid)))
        return None
    if row.status in views.FINAL_STATUSES:
        status = views.status_label(row.status, turn.locale)
        await turn.reply(Text(say("req.cannot_withdraw", turn.locale, rid=rid, status=status)))
        return None
    return row


def _holder(turn: Turn, row: RequestRow) -> str:
    """Who holds the request now: until approvals and tasks exist, the service owner."""
    bundle = turn.services.bundle
    service = bundle.catalog.get(row.service_id)
    if service is None:
        return "-"
    kind, _, ident = service.owner.partition(":")
    if kind == "group" and (group := bundle.directory.groups.get(ident)):
        return group.name.get(turn.locale)
    names = [bundle.directory.persons[p].name for p in sorted(owners_of(bundle.directory, service))]
    return "、".join(names) or service.owner
