"""Route one event: a click to its action, text to the open dialog, a command, or matching."""

from __future__ import annotations

from bot import conversation, prompts
from bot.commands import (
    Amend,
    Approve,
    CancelDelegation,
    Command,
    Delegate,
    MyApprovals,
    MyRequests,
    MyTasks,
    Queue,
    Reject,
    ShowCatalog,
    ShowDelegation,
    ShowStatus,
    TaskAction,
    Withdraw,
    parse_command,
)
from bot.features.amendment import flow as amend
from bot.features.approvals import handlers as approvals
from bot.features.delegation import flow as delegation
from bot.features.forms import flow as forms
from bot.features.help.flow import show_help
from bot.features.intake import flow as intake
from bot.features.status import flow as status
from bot.features.tasks import handlers as tasks
from bot.state import ConversationState, DoneState, FormState, PromptState
from bot.turn import Turn
from chat.events import ActionInvoked, InboundEvent, MessageReceived
from chat.i18n import say
from chat.replies import Text
from dialogs.engine import ClickInput, TextInput
from dialogs.words import command_of
from store.requests import format_request_id

MAX_MESSAGE_CHARS = 4000
FORM_ONLY_WORDS = frozenset({"cancel", "back", "skip", "submit", "edit"})


async def route(turn: Turn, event: InboundEvent) -> None:
    state = await conversation.load(turn)
    if isinstance(event, ActionInvoked):
        await _route_click(turn, event.action_id, state, _clean(event.text))
    elif isinstance(event, MessageReceived):
        await _route_text(turn, _clean(event.text), state)


def _clean(text: str) -> str:
    """Drop control characters (keep newlines and tabs); surrounding space goes too."""
    return "".join(c for c in text if c.isprintable() or c in "\n\t").strip()


async def _route_text(turn: Turn, text: str, state: ConversationState | None) -> None:
    if len(text) > MAX_MESSAGE_CHARS:
        await turn.reply(Text(say("err.too_long", turn.locale, limit=MAX_MESSAGE_CHARS)))
        if isinstance(state, FormState):
            await forms.reprompt(turn, state)
        return
    if isinstance(state, FormState):
        await forms.continue_form(turn, state, TextInput(text))
        return
    command = parse_command(text)
    if isinstance(command, Delegate) and not command.until and not delegation.looks_like_a_person(
            turn, command.to):
        command = None  # "委托书怎么开" is a question for the catalog, not a delegation
    if isinstance(state, PromptState):
        if command is None:
            await prompts.answer_prompt(turn, state, text)
            return
        await conversation.end_prompt(turn, state)  # a command instead of an answer
    if not text:
        await show_help(turn)
        return
    if command is None and command_of(text) in FORM_ONLY_WORDS:
        await turn.reply(Text(say("dlg.nothing_open", turn.locale)))  # "取消" with no form
    elif command is None:
        await intake.from_text(turn, text)
    else:
        await _run_command(turn, command)


async def _run_command(turn: Turn, command: Command) -> None:
    if isinstance(command, MyTasks | Queue | TaskAction):
        await tasks.run(turn, command)
        return
    if await _run_approval_command(turn, command):
        return
    if isinstance(command, MyRequests):
        await status.my_requests(turn)
    elif isinstance(command, ShowStatus):
        await status.show_status(turn, command.request_id)
    elif isinstance(command, Withdraw):
        await status.withdraw(turn, command.request_id, command.reason)
    elif isinstance(command, ShowCatalog):
        await intake.show_catalog(turn)
    else:
        await show_help(turn)


async def _run_approval_command(turn: Turn, command: Command) -> bool:
    if isinstance(command, Approve):
        await approvals.by_text(turn, command.request_id, "approved", command.comment)
    elif isinstance(command, Reject):
        await approvals.by_text(turn, command.request_id, "rejected", command.reason)
    elif isinstance(command, MyApprovals):
        await approvals.my_approvals(turn)
    elif isinstance(command, Delegate):
        await delegation.delegate(turn, command.to, command.until)
    elif isinstance(command, CancelDelegation):
        await delegation.cancel(turn)
    elif isinstance(command, ShowDelegation):
        await delegation.show(turn)
    elif isinstance(command, Amend):
        await amend.amend_request(turn, command.request_id, command.change)
    else:
        return False
    return True


async def _route_click(
    turn: Turn, action: str, state: ConversationState | None, text: str = ""
) -> None:
    prefix, _, rest = action.partition(":")
    if isinstance(state, PromptState):
        state = await conversation.end_prompt(turn, state)  # a tap elsewhere drops the question
    if prefix == "apr":
        await approvals.click(turn, rest, text)
    elif prefix == "tsk":
        await tasks.click(turn, rest)
    elif prefix == "cfm":
        await tasks.confirm_click(turn, rest)
    elif prefix == "csat":
        await tasks.survey_click(turn, rest)
    elif prefix == "dlg":
        await _dialog_click(turn, rest, state)
    elif prefix == "pick":
        await intake.pick(turn, rest, state)
    elif prefix == "cat":
        await (intake.show_department(turn, rest) if rest else intake.show_catalog(turn))
    elif prefix == "mine":
        await status.my_requests(turn)
    elif prefix == "st" and rest.isdigit():
        await status.show_status(turn, int(rest))
    elif prefix == "wd" and rest.isdigit():
        await status.ask_withdraw_reason(turn, int(rest))
    else:
        await turn.reply(Text(say("dlg.stale", turn.locale)))


async def _dialog_click(turn: Turn, rest: str, state: ConversationState | None) -> None:
    """A button of a form: only the form's current instance may act."""
    instance, _, action = rest.partition(":")
    if isinstance(state, FormState) and state.dialog.instance == instance:
        await forms.continue_form(turn, state, ClickInput(action))
        return
    if isinstance(state, DoneState) and state.instance == instance:
        rid = format_request_id(state.request)
        await turn.reply(Text(say("req.already_submitted", turn.locale, rid=rid)))
        return
    await turn.reply(Text(say("dlg.stale", turn.locale)))
