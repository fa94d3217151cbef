"""Digressions while a form is open: what belongs to the form, and a new request that asks
"continue 「在职证明」, or start 「工牌办理」?".

The router asks ``belongs_to_form`` first: a form word ("取消", "提交") or a valid answer to
the current question that is not free text goes to the form. Anything else that is a command
runs as one and the form's question is asked again; a sentence that asks for another service
offers the switch (``offer_switch``); the rest is an answer.

Someone else's question (an agent's "问 TASK-1 …") waits under a form opened meanwhile and is
the open question again once the form is submitted or cancelled (``carry_question``).
"""

from __future__ import annotations

from dataclasses import replace

from bot import conversation
from bot.features.forms import flow as forms
from bot.features.forms.actions import DialogClick
from bot.features.intake.actions import SwitchClick
from bot.features.intake.commands import CONFIRM_WORDS, KEEP_WORDS, NEW_WORDS
from bot.features.phrases import mentions_an_id
from bot.state import ConversationState, FormState, PromptState, SwitchState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Button, Card, Text
from dialogs.engine import ACTION_PREFIX
from dialogs.fieldtypes import Invalid, parse_answer
from dialogs.model import Service
from dialogs.words import command_of, normalize
from store import requests
from store.requests import format_request_id
from store.tasks import format_task_id

FREE_TEXT = frozenset({"text"})


def belongs_to_form(turn: Turn, state: FormState, text: str) -> bool:
    """Whether ``text`` is shaped like an answer to the form's current question. A mention of
    REQ-n or TASK-n never is: it is a command."""
    if mentions_an_id(text):
        return False
    if command_of(text) is not None:
        return True
    dialog = state.dialog
    if dialog.phase == "confirming":
        return normalize(text) in CONFIRM_WORDS
    service = turn.services.bundle.catalog.get(dialog.service_id)
    field = service.field(dialog.asking or "") if service is not None else None
    if field is None or field.type in FREE_TEXT or dialog.phase == "picking_edit":
        return False
    parsed = parse_answer(field, text, today=turn.today,
                          directory=turn.services.bundle.directory)
    return not isinstance(parsed, Invalid)


def _asks_free_text(turn: Turn, state: FormState) -> bool:
    dialog = state.dialog
    if dialog.phase not in ("asking", "editing"):
        return False
    service = turn.services.bundle.catalog.get(dialog.service_id)
    field = service.field(dialog.asking or "") if service is not None else None
    return field is not None and field.type in FREE_TEXT


def asked_service(turn: Turn, state: FormState, text: str) -> Service | None:
    """The other service ``text`` clearly asks for, if any (not the form's own)."""
    service = service_asked(turn, text)
    return service if service is not None and service.id != state.dialog.service_id else None


async def offer_switch(turn: Turn, state: FormState, text: str) -> bool:
    """A new request while a form (or its unsubmitted confirmation) is open: ask which one to go
    on with; False when ``text`` asks for no other service, or answers a free-text question
    (a travel expense's description "北京出差" names the travel service, and is an answer)."""
    if _asks_free_text(turn, state):
        return False
    service = asked_service(turn, state, text)
    if service is None:
        return False
    switch = SwitchState(state, service.id, text)
    await conversation.save(turn, switch)
    await ask_switch(turn, switch)
    return True


async def ask_switch(turn: Turn, switch: SwitchState) -> None:
    current, new = _names(turn, switch)
    instance = switch.form.dialog.instance
    await turn.reply(Card(
        title=say("digress.switch_title", turn.locale, current=current, new=new),
        body=say("digress.switch_body", turn.locale, current=current, new=new),
        buttons=(Button(say("digress.switch_keep", turn.locale, service=current),
                        SwitchClick(instance, "keep").format(), style="primary"),
                 Button(say("digress.switch_new", turn.locale, service=new),
                        SwitchClick(instance, "new").format()))))


def _names(turn: Turn, switch: SwitchState) -> tuple[str, str]:
    catalog = turn.services.bundle.catalog
    current = catalog.get(switch.form.dialog.service_id)
    new = catalog.get(switch.service)
    return (current.name.get(turn.locale) if current else switch.form.dialog.service_id,
            new.name.get(turn.locale) if new else switch.service)


async def answer_switch(turn: Turn, switch: SwitchState, text: str) -> None:
    """A typed answer: "继续"/"1" keeps the form, "开始"/"2" (or the new service's name) starts
    the new one; "取消" keeps the form too; anything else asks again."""
    word = normalize(text)
    current, new = (normalize(name) for name in _names(turn, switch))
    if word in KEEP_WORDS or word == current or command_of(text) == "cancel":
        await choose(turn, switch, "keep")
    elif word in NEW_WORDS or word == new:
        await choose(turn, switch, "new")
    else:
        await turn.reply(Text(say("digress.switch_again", turn.locale)))
        await ask_switch(turn, switch)


async def choose(turn: Turn, switch: SwitchState, choice: str) -> None:
    if choice == "keep":
        await conversation.save(turn, switch.form)
        await forms.reprompt(turn, switch.form)
        return
    service = turn.services.bundle.catalog.get(switch.service)
    if service is None:
        await choose(turn, switch, "keep")
        return
    current, _ = _names(turn, switch)
    await turn.reply(Text(say("digress.switch_dropped", turn.locale, service=current)))
    await forms.start_form(turn, service, switch.text)


def taps_the_form(switch: SwitchState, action: str) -> bool:
    """Whether ``action`` is a button of the form the switch question keeps."""
    return DialogClick.parse(action) is not None and action.startswith(
        f"{ACTION_PREFIX}:{switch.form.dialog.instance}:")


async def switch_click(turn: Turn, click: SwitchClick, switch: object) -> bool:
    """A tap on the question; False when it is not the open question's (a stale card)."""
    if not isinstance(switch, SwitchState) or switch.form.dialog.instance != click.instance:
        return False
    await choose(turn, switch, click.choice)
    return True


# --- someone else's question, kept across a form ---------------------------------------------


def waiting_question(state: ConversationState | None) -> PromptState | None:
    """The lasting question nested in the state: under the open form, the switch question, or
    the question that interrupted the form."""
    form = state.form if isinstance(state, SwitchState) else (
        state.resume if isinstance(state, PromptState) else state)
    return form.after if isinstance(form, FormState) else None


async def open_form_keeping(turn: Turn, service: Service, text: str, question: PromptState
                            ) -> None:
    """A sentence asking for a service while someone's question waits: the form opens, the
    question waits under it."""
    await forms.start_form(turn, service, text)
    await carry_question(turn, question)


async def carry_question(turn: Turn, question: PromptState) -> None:
    """Keep ``question`` waiting after this turn: under whatever form is open now, or, when
    the form was submitted or cancelled, as the open question again (and say so)."""
    now = await conversation.load(turn)
    if now == question:
        return
    if isinstance(now, FormState):
        if now.after is None:
            await conversation.save(turn, replace(now, after=question))
        return
    if isinstance(now, SwitchState):
        if now.form.after is None:
            await conversation.save(turn, replace(now, form=replace(now.form, after=question)))
        return
    if isinstance(now, PromptState):
        if now.resume is not None and now.resume.after is None:
            await conversation.save(turn, replace(now, resume=replace(now.resume,
                                                                      after=question)))
        return
    await conversation.save(turn, question)
    subject = (format_task_id(question.task) if question.task
               else format_request_id(question.request))
    await turn.reply(Text(say("digress.question_waits", turn.locale, subject=subject)))


async def new_request_instead(turn: Turn, text: str, question: PromptState) -> Service | None:
    """The service ``text`` clearly asks for while ``question`` waits, when it is another one
    than the question's request's ("是邮箱的密码" answers a password reset's question)."""
    service = service_asked(turn, text)
    if service is None:
        return None
    about = await requests.get_request(turn.session, request_id=question.request)
    return service if about is None or about.service_id != service.id else None


def service_asked(turn: Turn, text: str) -> Service | None:
    """The service ``text`` clearly asks for, if any."""
    result = turn.services.matcher.match(text)
    if result.kind != "found":
        return None
    return turn.services.bundle.catalog.get(result.candidates[0].service_id)
