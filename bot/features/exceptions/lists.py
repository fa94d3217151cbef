"""The lists: "我的例外" (mine, as requester), "待我批准的例外" (waiting for me or for those I
approve for, each as its card), and "例外 it.laptop" (a service's active and recent ones, for
the ``governance`` role and the service's owner group)."""

from __future__ import annotations

from bot.access import members_of, owners_of
from bot.delegates import delegators_of
from bot.features.exceptions.cards import exception_card, list_lines
from bot.features.exceptions.decide import parts_for, recent_count
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Card, Text
from store import exceptions as grants
from store import requests
from store.models import ExceptionGrantRow, RequestRow

SHOWN = 20
GOVERNANCE = "role:governance"
SHOWN_STATES = ("requested", "granted", "denied", "ended")


async def _with_requests(turn: Turn, rows: list[ExceptionGrantRow]
                         ) -> list[tuple[ExceptionGrantRow, RequestRow | None]]:
    return [(row, await requests.get_request(turn.session, request_id=row.request_id))
            for row in rows]


async def mine(turn: Turn) -> None:
    rows = await grants.listed(turn.session, requested_by=turn.person.id, states=SHOWN_STATES,
                               limit=SHOWN)
    if not rows:
        await turn.reply(Text(say("exc.mine_none", turn.locale)))
        return
    lines = list_lines(await _with_requests(turn, rows), turn.services.bundle.catalog.services,
                       turn.person)
    await turn.reply(Card(title=say("exc.mine_title", turn.locale, n=len(rows)),
                          body="\n".join(lines)))


async def to_grant(turn: Turn) -> None:
    directory = turn.services.bundle.directory
    me = turn.person.id
    principals = {me, *await delegators_of(turn.session, directory, me, turn.today)}
    waiting = [row for row in await grants.listed(turn.session, states=("requested",),
                                                  limit=200)
               if principals & {p for part in grants.open_parts(row)
                                for p in grants.seat_holders(row)[part]}]
    shown = 0
    for row in waiting[:SHOWN]:
        request = await requests.get_request(turn.session, request_id=row.request_id)
        parts = [p for p, _ in await parts_for(turn, row, me)]
        if request is None or me in (request.requester, row.requested_by) or not parts:
            continue
        if not shown:
            await turn.reply(Text(say("exc.to_grant_title", turn.locale, n=len(waiting))))
        service = turn.services.bundle.catalog.get(request.service_id)
        await turn.reply(exception_card(request, service, row, turn.person, directory,
                                        recent=await recent_count(turn, request.service_id),
                                        parts=parts))
        shown += 1
    if not shown:
        await turn.reply(Text(say("exc.to_grant_none", turn.locale)))


async def of_service(turn: Turn, service_id: str) -> None:
    bundle = turn.services.bundle
    service = bundle.catalog.get(service_id)
    if service is None:
        await turn.reply(Text(say("exc.unknown_service", turn.locale, service=service_id)))
        return
    allowed = owners_of(bundle.directory, service) | members_of(bundle.directory, GOVERNANCE)
    if turn.person.id not in allowed:
        await turn.reply(Text(say("exc.not_governance", turn.locale,
                                  service=service.name.get(turn.locale))))
        return
    rows = await grants.listed(turn.session, service_id=service_id, states=SHOWN_STATES,
                               limit=SHOWN)
    active = sum(1 for r in rows if r.state == "granted")
    lines = list_lines(await _with_requests(turn, rows), bundle.catalog.services, turn.person)
    await turn.reply(Card(title=say("exc.service_title", turn.locale,
                                    service=service.name.get(turn.locale), n=len(rows),
                                    active=active),
                          body="\n".join(lines) or say("exc.service_none", turn.locale)))
