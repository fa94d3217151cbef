"""Filling a service's form: start a dialog, carry it turn by turn, submit the request."""

from __future__ import annotations

import secrets
from typing import Any

from bot import conversation
from bot.features.approvals import flow
from bot.features.phrases import is_greeting
from bot.state import DoneState, FormState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs import engine
from dialogs.engine import DialogContext, DialogInput, DialogState, DialogStep, TextInput
from dialogs.model import Service
from store import requests
from store.models import RequestRow
from store.requests import format_request_id


def dialog_context(turn: Turn, service: Service) -> DialogContext:
    return DialogContext(
        service=service,
        today=turn.today,
        locale=turn.locale,
        requester=turn.person,
        directory=turn.services.bundle.directory,
    )


async def start_form(turn: Turn, service: Service, text: str) -> None:
    step = engine.start(dialog_context(turn, service), text, secrets.token_hex(4))
    await _apply(turn, service, step)


async def continue_form(turn: Turn, state: FormState, given: DialogInput) -> None:
    if isinstance(given, TextInput) and is_greeting(given.text):
        await remind(turn, state)  # "你好" after a while (a restart) is no answer: re-ask
        return
    dialog = state.dialog
    service = turn.services.bundle.catalog.get(dialog.service_id)
    if service is None:  # the service was removed from the catalog while the form was open
        await conversation.clear(turn)
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    await _apply(turn, service, engine.handle(dialog_context(turn, service), dialog, given),
                 resubmits=state.resubmits)


async def start_resubmission(turn: Turn, service: Service, rejected: RequestRow) -> None:
    """重新提交: the same form, prefilled with the rejected request's answers; the request it
    files links to ``rejected`` (``request.resubmitted`` on its trail)."""
    step = engine.start_with(dialog_context(turn, service), rejected.answers,
                             secrets.token_hex(4))
    await _apply(turn, service, step, resubmits=rejected.id or 0)


async def reprompt(turn: Turn, state: FormState) -> None:
    """Ask the form's current question again, unchanged."""
    dialog = state.dialog
    service = turn.services.bundle.catalog.get(dialog.service_id)
    if service is not None:
        for message in engine.resume(dialog_context(turn, service), dialog).replies:
            await turn.reply(message)


async def remind_open_form(turn: Turn) -> bool:
    """Show the open form's question again, saying which form it is (the terminal's ``/as``,
    a person back after a restart); False when no form is open."""
    state = await conversation.load(turn)
    if not isinstance(state, FormState):
        return False
    await remind(turn, state)
    return True


async def remind(turn: Turn, state: FormState) -> None:
    service = turn.services.bundle.catalog.get(state.dialog.service_id)
    if service is None:  # removed from the catalog while the form was open
        await conversation.clear(turn)
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    await turn.reply(Text(say("cards.form_open", turn.locale,
                              service=service.name.get(turn.locale))))
    await reprompt(turn, state)


async def _apply(turn: Turn, service: Service, step: DialogStep, *, resubmits: int = 0) -> None:
    for message in step.replies:
        await turn.reply(message)
    if step.outcome == "submitted" and step.state is not None:
        await submit(turn, service, step.state, resubmits=resubmits)
    elif step.state is None:
        await conversation.clear(turn)
    else:
        await conversation.save(turn, FormState(step.state, resubmits))


async def submit(turn: Turn, service: Service, dialog: DialogState, *, resubmits: int = 0
                 ) -> None:
    """Store the request, audit it, remember the form was submitted, and route it
    (``resubmits``: the rejected request it files again)."""
    answers: dict[str, Any] = dict(dialog.answers)
    plan = flow.plan_of(turn, service, turn.person.id, answers)
    row = await requests.create_request(
        turn.session,
        service_id=service.id,
        service_version=service.version,
        requester=turn.person.id,
        title=service.name.get(turn.locale),
        answers=answers,
        locale=turn.locale,
        origin=turn.key.as_dict(),
        now=turn.now,
        # written as approval starts it below, so that needs no second write of the row
        status="pending_approval" if flow.starts_approval(plan) else "submitted",
    )
    rid = format_request_id(row.id or 0)
    await turn.audit("request.submitted", rid, {
        "service": service.id, "version": service.version, "answers": answers,
        # the departments as they were at submission, for the metrics' cuts (issue 19)
        "service_department": service.department,
        "requester_department": turn.person.dept or None,
    })
    if resubmits:
        await turn.audit("request.resubmitted", rid, {"from": format_request_id(resubmits)})
    await conversation.save(turn, DoneState(dialog.instance, row.id or 0))
    name = service.name.get(turn.locale)
    await turn.reply(Text(say("req.submitted", turn.locale, rid=rid, service=name)))
    if resubmits:
        await turn.reply(Text(say("ret.resubmitted", turn.locale, rid=rid,
                                  old=format_request_id(resubmits))))
    await flow.start(turn, row, plan)
