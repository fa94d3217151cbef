"""Route one event: a click to the feature that owns its action id, text to the open form or
question, a typed command to the feature that parsed it, anything else to intent matching.

With a form open, only text shaped like an answer to its current question goes to it
(``intake.switch.belongs_to_form``); a command is answered and the form's question asked again;
a sentence asking for another service asks which one to go on with. A question someone else
waits for (``Prompt.lasting``) survives commands, taps and forms opened meanwhile. Bare replies
("是", "否") are commands only when nothing is open that they would answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot import conversation, prompts
from bot.features import REGISTRY
from bot.features.forms import flow as forms
from bot.features.help.flow import show_help
from bot.features.intake import flow as intake
from bot.features.intake import switch
from bot.features.phrases import is_greeting
from bot.features.registry import Click, stale
from bot.state import ChooseState, ConversationState, FormState, PromptState, SwitchState
from bot.turn import Turn
from chat.events import ActionInvoked, InboundEvent, MessageReceived
from chat.i18n import say
from chat.replies import Text
from dialogs.engine import TextInput
from dialogs.words import command_of

MAX_MESSAGE_CHARS = 4000
FORM_ONLY_WORDS = frozenset({"cancel", "back", "skip", "submit", "edit"})


async def route(turn: Turn, event: InboundEvent) -> None:
    state = await conversation.load(turn)
    waiting = switch.waiting_question(state) or _lasting(state)
    answered = False
    if isinstance(event, ActionInvoked):
        await _route_click(turn, Click(event.action_id, _clean(event.text), state))
    elif isinstance(event, MessageReceived):
        answered = await _route_text(turn, _clean(event.text), state)
    if waiting is not None and not answered:
        await switch.carry_question(turn, waiting)


def _lasting(state: ConversationState | None) -> PromptState | None:
    """The open question when someone else waits for its answer (it outlives digressions)."""
    if isinstance(state, PromptState) and state.resume is None:
        prompt = REGISTRY.prompts.get(state.purpose)
        return state if prompt is not None and prompt.lasting else None
    return None


def _clean(text: str) -> str:
    """Drop control characters (keep newlines and tabs); surrounding space goes too."""
    return "".join(c for c in text if c.isprintable() or c in "\n\t").strip()


async def _route_text(turn: Turn, text: str, state: ConversationState | None) -> bool:
    """Route a message; True when it answered (or cancelled) the open question."""
    if len(text) > MAX_MESSAGE_CHARS:
        await turn.reply(Text(say("err.too_long", turn.locale, limit=MAX_MESSAGE_CHARS)))
        if isinstance(state, FormState):
            await forms.reprompt(turn, state)
        return False
    if isinstance(state, FormState):
        await _route_form_text(turn, text, state)
        return False
    command = _command_of(turn, text)
    if isinstance(state, SwitchState):
        await (switch.answer_switch(turn, state, text) if command is None
               else _digress(turn, command, lambda: _back_to_switch(turn, state)))
        return False
    if isinstance(state, PromptState):
        return await _route_prompt_text(turn, text, state, command)
    await _route_free_text(turn, text, command, choosing=isinstance(state, ChooseState))
    return False


async def _route_prompt_text(
    turn: Turn, text: str, state: PromptState, command: object | None
) -> bool:
    """The answer to the open question, or a command instead (which drops the question, unless
    someone else waits for it); a lasting question lets a new request open its form."""
    lasting = _lasting(state) is not None
    service = (await switch.new_request_instead(turn, text, state)
               if lasting and command is None else None)
    if service is not None:
        await switch.open_form_keeping(turn, service, text, state)
        return False
    if command is None:
        await prompts.answer_prompt(turn, state, text)
        return True
    if lasting:
        await _run_command(turn, command)
        return False
    form = await conversation.end_prompt(turn, state)
    if form is not None:
        await _digress(turn, command, lambda: _back_to_form(turn, form))
    else:
        await _run_command(turn, command)
    return False


async def _route_free_text(turn: Turn, text: str, command: object | None, *,
                           choosing: bool = False) -> None:
    """No form or question is open; while a "did you mean" card is (``choosing``), a bare
    "是"/"否" answers it (in intake), not a confirmation that is not there."""
    if command is None and not choosing:
        command = REGISTRY.parse_reply(text)
    if not text:
        await show_help(turn)
    elif command is None and command_of(text) in FORM_ONLY_WORDS:
        await turn.reply(Text(say("dlg.nothing_open", turn.locale)))  # "取消" with no form
    elif command is None:
        await intake.from_text(turn, text)
    else:
        await _run_command(turn, command)


async def _route_form_text(turn: Turn, text: str, state: FormState) -> None:
    # a hello with a form open is met with the form itself ("还没填完" and its question)
    to_form = switch.belongs_to_form(turn, state, text) or is_greeting(text)
    command = None if to_form else _command_of(turn, text)
    if command is not None:
        await _digress(turn, command, lambda: _back_to_form(turn, state))
    elif to_form or not await switch.offer_switch(turn, state, text):  # "back" is no request
        await forms.continue_form(turn, state, TextInput(text))


async def _digress(turn: Turn, command: object, back: Callable[[], Awaitable[None]]) -> None:
    """Answer the command, then ask again what was open (the form's question, the switch)."""
    await _run_command(turn, command)
    await back()


async def _back_to_form(turn: Turn, form: FormState) -> None:
    """The form's question again, unless the command left something else open (a question of
    its own, which resumes the form once answered, or another form)."""
    now = await conversation.load(turn)
    if isinstance(now, FormState) and now.dialog.instance == form.dialog.instance:
        await forms.reprompt(turn, now)


async def _back_to_switch(turn: Turn, switch_state: SwitchState) -> None:
    if await conversation.load(turn) == switch_state:
        await switch.ask_switch(turn, switch_state)


def _command_of(turn: Turn, text: str) -> object | None:
    """The typed command ``text`` is, if the feature that parsed it keeps it."""
    command = REGISTRY.parse_command(text)
    owner = REGISTRY.commands.get(type(command)) if command is not None else None
    return command if owner is None or owner[0].keeps(turn, command) else None


async def _run_command(turn: Turn, command: object) -> None:
    owner = REGISTRY.commands.get(type(command))
    await (owner[1](turn, command) if owner is not None else show_help(turn))


async def _route_click(turn: Turn, click: Click) -> None:
    if isinstance(click.state, SwitchState) and switch.taps_the_form(click.state, click.action):
        # a tap on the open form's own card answers "continue it": the form goes on
        await conversation.save(turn, click.state.form)
        click = replace(click, state=click.state.form)
    if isinstance(click.state, PromptState) and _lasting(click.state) is None:
        # a tap elsewhere drops the question (not one someone else waits for)
        click = replace(click, state=await conversation.end_prompt(turn, click.state),
                        asked=click.state)
    handler = REGISTRY.actions.get(click.action.partition(":")[0])
    await (handler(turn, click) if handler is not None else stale(turn))
