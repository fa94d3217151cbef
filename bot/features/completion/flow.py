"""The end of a request: resolved when every task is finished, confirmed (or reopened) by the
requester, closed, and then a one-tap satisfaction survey."""

from __future__ import annotations

from bot import card_updates, conversation
from bot.features.completion import reopening
from bot.features.completion.actions import CONFIRM, SURVEY, ConfirmClick, SurveyClick, card_of
from bot.people import name_of
from bot.state import PromptState
from bot.turn import Turn
from bot.views import service_name, status_label
from chat.i18n import say
from chat.replies import Button, Card, Message, Text
from store import exceptions as exception_grants
from store import requests, surveys, tasks
from store.models import OutboxRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import format_task_id


def _rid(request: RequestRow) -> str:
    return format_request_id(request.id or 0)


async def resolve(turn: Turn, request: RequestRow) -> None:
    """Every task is finished: resolved, then confirmed by the requester or closed at once."""
    await requests.set_status(turn.session, request=request, status="resolved", reason=None,
                              now=turn.now)
    await turn.audit("request.resolved", _rid(request), {})
    service = turn.services.bundle.catalog.get(request.service_id)
    if service is not None and service.completion.confirm_by_requester:
        await turn.tell(request.requester, confirm_card(turn, request),
                        correlation=card_of(CONFIRM, request.id or 0, request.requester))
        return
    await close(turn, request)


def confirm_card(turn: Turn, request: RequestRow) -> Card:
    loc = turn.locale_of(request.requester)
    service = turn.services.bundle.catalog.get(request.service_id)
    open_ = request.status == "resolved"
    name = service_name(service, request, loc)
    return Card(
        title=say("cfm.title", loc, rid=_rid(request), service=name) if open_ else
        say("digress.cfm_title_now", loc, rid=_rid(request), service=name,
            status=status_label(request.status, loc)),
        body=say("cfm.body", loc) if open_ else _answered_body(request, loc),
        buttons=(Button(say("cfm.yes", loc), ConfirmClick(request.id or 0, "yes").format(),
                        style="primary"),
                 Button(say("cfm.no", loc), ConfirmClick(request.id or 0, "no").format())
                 ) if open_ else (),
    )


def _answered_body(request: RequestRow, loc: str) -> str:
    """What the card says once answered: reopened (with the reason) or closed."""
    if request.status == "closed":
        return say("digress.cfm_body_closed", loc)
    if request.status == "in_progress":
        return say("digress.cfm_body_reopened", loc, reason=request.status_reason or "-")
    return ""


async def _refresh_confirm_card(turn: Turn, request: RequestRow) -> None:
    def render(row: OutboxRow) -> Message:
        return confirm_card(turn, request)

    await card_updates.refresh(turn, card_of(CONFIRM, request.id or 0), render)


async def confirm(turn: Turn, request_id: int, answer: str) -> None:
    """The requester's Yes (close) or No (ask why, then reopen)."""
    request = await _confirmable(turn, request_id)
    if request is None:
        return
    if answer == "yes":
        await close(turn, request, confirmed=True)
        return
    await conversation.ask(turn, PromptState("reopen", request=request_id))
    await turn.reply(Text(say("cfm.ask_reason", turn.locale)))


async def _confirmable(turn: Turn, request_id: int) -> RequestRow | None:
    request = await requests.lock_request(turn.session, request_id=request_id)
    rid = format_request_id(request_id)
    if request is None or request.requester != turn.person.id:
        await turn.reply(Text(say("cfm.only_requester", turn.locale, rid=rid)))
        return None
    if request.status != "resolved":
        await turn.reply(Text(say("cfm.not_now", turn.locale, rid=rid,
                                  status=status_label(request.status, turn.locale))))
        return None
    return request


async def reopen(
    turn: Turn, request_id: int, reason: str, *, task_id: int = 0
) -> tuple[RequestRow, TaskRow] | None:
    """Not solved: in progress again, and the finished task meant (``task_id``, or the one the
    reason names) back with its agent (returned, for the tasks feature to hand it back); None
    when there is none, or when several could be meant and we asked which."""
    request = await _confirmable(turn, request_id)
    if request is None:
        return None
    done = await done_tasks(turn, request_id)
    meant = reopening.task_meant(done, reason, task_id)
    if meant is None and len(done) > 1:
        await reopening.ask_which(turn, request, done, reason)
        return None
    await requests.set_status(turn.session, request=request, status="in_progress",
                              reason=reason, now=turn.now)
    await turn.audit("request.reopened", _rid(request), {"reason": reason})
    await _refresh_confirm_card(turn, request)
    if meant is None:
        await turn.reply(Text(say("cfm.reopened", turn.locale, rid=_rid(request), who="-")))
        return None
    await tasks.move(turn.session, task=meant, from_states=("done",), to_state="claimed",
                     now=turn.now, note=reason, done_at=None)
    tid = format_task_id(meant.id or 0)
    await turn.audit("task.reopened", _rid(request), {"task": tid, "reason": reason})
    agent = meant.assignee or ""
    await turn.reply(Text(say("cfm.reopened", turn.locale, rid=_rid(request),
                              who=name_of(turn.services.bundle.directory, agent))))
    return request, meant


async def done_tasks(turn: Turn, request_id: int) -> list[TaskRow]:
    return [t for t in await tasks.tasks_of(turn.session, request_id=request_id)
            if t.state == "done"]


async def awaiting_confirmation(turn: Turn) -> list[RequestRow]:
    """The person's resolved requests whose confirmation card waits for them."""
    catalog = turn.services.bundle.catalog
    return [r for r in await requests.list_requests(turn.session, requester=turn.person.id,
                                                    status="resolved")
            if (s := catalog.get(r.service_id)) is not None and s.completion.confirm_by_requester]


async def confirm_typed(turn: Turn, request_id: int, answer: str) -> None:
    """"确认 REQ-12" / "否": the request named, or the only one waiting for confirmation."""
    if request_id:
        await confirm(turn, request_id, answer)
        return
    waiting = await awaiting_confirmation(turn)
    if len(waiting) == 1:
        await confirm(turn, waiting[0].id or 0, answer)
    elif waiting:
        await turn.reply(Text(say("digress.confirm_several", turn.locale, n=len(waiting),
                                  rid=_rid(waiting[0]))))
    else:
        await turn.reply(Text(say("digress.confirm_none", turn.locale)))


async def close(turn: Turn, request: RequestRow, *, confirmed: bool = False) -> None:
    await requests.set_status(turn.session, request=request, status="closed", reason=None,
                              now=turn.now)
    await turn.audit("request.closed", _rid(request), {"confirmed": confirmed})
    await exception_grants.end_with_request(turn.session, request_id=request.id or 0,
                                            cause="closed", now=turn.now)
    await _refresh_confirm_card(turn, request)
    if confirmed:
        await turn.reply(Text(say("cfm.closed", turn.locale, rid=_rid(request))))
    await _send_survey(turn, request)


async def _send_survey(turn: Turn, request: RequestRow) -> None:
    """Not when the requester did the work themselves, and only once."""
    worked = [t for t in await tasks.tasks_of(turn.session, request_id=request.id or 0)
              if t.state == "done"]
    if not worked or all(t.assignee == request.requester for t in worked):
        return
    if await surveys.get_survey(turn.session, request_id=request.id or 0) is not None:
        return
    await surveys.open_survey(turn.session, request_id=request.id or 0,
                              service_id=request.service_id,
                              groups=[t.group_id for t in worked], now=turn.now)
    await turn.tell(request.requester, survey_card(turn, request),
                    correlation=card_of(SURVEY, request.id or 0, request.requester))


def survey_card(turn: Turn, request: RequestRow, score: int | None = None) -> Card:
    loc = turn.locale_of(request.requester)
    service = turn.services.bundle.catalog.get(request.service_id)
    buttons = () if score else tuple(Button(str(n), SurveyClick(request.id or 0, n).format())
                                     for n in surveys.SCORES)
    return Card(title=say("csat.title", loc, rid=_rid(request),
                          service=service_name(service, request, loc)),
                body=say("csat.body", loc) if score is None else "★" * score,
                buttons=buttons)


async def rate(turn: Turn, request_id: int, score: int) -> None:
    rid = format_request_id(request_id)
    request = await requests.get_request(turn.session, request_id=request_id)
    survey = await surveys.get_survey(turn.session, request_id=request_id)
    if request is None or survey is None or request.requester != turn.person.id:
        await turn.reply(Text(say("csat.only_requester", turn.locale, rid=rid)))
        return
    if survey.score is not None:
        await turn.reply(Text(say("csat.already", turn.locale, rid=rid, score=survey.score)))
        return
    await surveys.record_score(turn.session, survey=survey, score=score, now=turn.now)
    await turn.audit("survey.answered", rid, {"score": score})

    def render(row: OutboxRow) -> Message:
        return survey_card(turn, request, score)

    await card_updates.refresh(turn, card_of(SURVEY, request_id), render)
    await conversation.ask(turn, PromptState("csat_comment", request=request_id))
    await turn.reply(Text(say("csat.thanks", turn.locale, score=score)))


async def comment(turn: Turn, request_id: int, text: str) -> None:
    survey = await surveys.get_survey(turn.session, request_id=request_id)
    if survey is None:
        return
    await surveys.record_comment(turn.session, survey=survey, comment=text)
    await turn.audit("survey.commented", format_request_id(request_id), {"comment": text})
    await turn.reply(Text(say("csat.comment_saved", turn.locale)))
