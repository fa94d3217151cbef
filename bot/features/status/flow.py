"""Where is my request: the list of mine, one request's status, and withdrawing one."""

from __future__ import annotations

from bot import conversation, views
from bot.features.approvals import flow
from bot.features.exceptions import view as exception_view
from bot.features.status import lookup
from bot.features.status.cards import my_requests_card, status_card
from bot.features.status.progress import progress_of
from bot.features.status.withdrawal import involved_in, tell_withdrawn
from bot.features.tasks import flow as task_flow
from bot.state import PromptState
from bot.turn import Turn
from bot.visibility import visible_request
from bot.weblinks import request_url
from chat.i18n import say
from chat.replies import Text
from store import exceptions as exception_grants
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
    await turn.reply(my_requests_card(rows, services, turn.person))


async def show_status(turn: Turn, request_id: int) -> None:
    row = await visible_request(turn, request_id)
    if row is None:
        return
    bundle = turn.services.bundle
    progress = await progress_of(turn, row)
    card = status_card(row, bundle.catalog.get(row.service_id), turn.person,
                       bundle.directory, step=progress.step, holder=progress.holder,
                             since=progress.since, history=progress.history,
                       console_url=request_url(turn.services.settings.web,
                                               format_request_id(row.id or 0)))
    await turn.reply(await exception_view.on_status_card(turn, row, card))
    await lookup.actionable_cards(turn, row)


async def find_request(turn: Turn, text: str) -> None:
    """"我的电脑申请到哪了": the status of the request described, or a choice."""
    found = await lookup.find_request(turn, text)
    if found is not None:
        await show_status(turn, found.id or 0)


async def ask_withdraw_reason(turn: Turn, request_id: int) -> None:
    row = await _withdrawable(turn, request_id)
    if row is None:
        return
    await conversation.ask(turn, PromptState("withdraw", request=row.id or 0))
    await turn.reply(Text(say("req.withdraw_ask_reason", turn.locale,
                              rid=format_request_id(request_id))))


async def withdraw(turn: Turn, request_id: int, reason: str) -> None:
    if not reason.strip():
        await ask_withdraw_reason(turn, request_id)
        return
    row = await _withdrawable(turn, request_id, lock=True)
    if row is None:
        return
    rid = format_request_id(request_id)
    told = await involved_in(turn, row)
    await flow.end_for_withdrawal(turn, row)
    await task_flow.end_for_withdrawal(turn, row, reason=reason.strip())
    await requests.set_status(turn.session, request=row, status="withdrawn",
                              reason=reason.strip(), now=turn.now)
    await turn.audit("request.withdrawn", rid, {"reason": reason.strip(), "told": told})
    await exception_grants.end_with_request(turn.session, request_id=request_id,
                                            cause="withdrawn", now=turn.now)
    await tell_withdrawn(turn, row, told, reason.strip())
    await turn.reply(Text(say("req.withdrawn", turn.locale, rid=rid, reason=reason.strip())))


async def _withdrawable(
    turn: Turn, request_id: int, *, lock: bool = False
) -> RequestRow | None:
    row = await visible_request(turn, request_id, lock=lock)
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
