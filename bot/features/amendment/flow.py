"""The requester changes an answer while the request waits for approval: "修改 REQ-12 金额 6000".

The approval rule is evaluated again on the new answers and approval restarts from the first
step; approvers who had already seen the request are told why. A request sent back to its
requester (``returned``) may be amended too: approval then resumes at the step that sent it
back, unless the changed field is one an approval rule reads (then it restarts).
"""

from __future__ import annotations

from bot.features.amendment.commands import Amend
from bot.features.approvals import flow, send_back
from bot.turn import Turn
from bot.views import status_label
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Text
from dialogs.amend import AmendRefused, amend
from dialogs.engine import DialogContext
from store import requests
from store.requests import format_request_id

AMENDABLE_STATUSES = frozenset({"submitted", "pending_approval", send_back.RETURNED})


async def amend_request(turn: Turn, request_id: int, change_text: str) -> None:
    request = await visible_request(turn, request_id, lock=True)
    if request is None:
        return
    rid = format_request_id(request_id)
    if request.requester != turn.person.id:
        await turn.reply(Text(say("amd.only_requester", turn.locale, rid=rid)))
        return
    service = turn.services.bundle.catalog.get(request.service_id)
    if request.status in ("rejected", "withdrawn"):  # cannot be withdrawn: resubmit it
        await turn.reply(Text(say("ret.amend_resubmit", turn.locale, rid=rid,
                                  status=status_label(request.status, turn.locale))))
        return
    if request.status not in AMENDABLE_STATUSES or service is None:
        await turn.reply(Text(say("amd.not_now", turn.locale, rid=rid,
                                  status=status_label(request.status, turn.locale))))
        return
    ctx = DialogContext(service=service, today=turn.today, locale=turn.locale,
                        requester=turn.person, directory=turn.services.bundle.directory)
    result = amend(ctx, request.answers, change_text, rid)
    if isinstance(result, AmendRefused):
        await turn.reply(Text(result.message))
        return
    field = result.field.id
    before = request.answers.get(field)
    await requests.update_answers(turn.session, request=request, answers=result.answers,
                                  now=turn.now)
    await turn.audit("request.amended", rid, {"field": field, "old": before,
                                              "new": result.answers.get(field)})
    await turn.reply(Text(say("amd.done", turn.locale, rid=rid, change=result.change)))
    if request.status == send_back.RETURNED:
        restarts = field in send_back.fields_the_rules_read(service)
        await send_back.resume(turn, request, amended=result.change, restarting=restarts)
        if not restarts:
            return
    await flow.restart(turn, request, result.change)


async def amend_command(turn: Turn, command: Amend) -> None:
    await amend_request(turn, command.request_id, command.change)
