"""A button of a form: only the form's current instance may act; a second Submit is told the
request it already made."""

from __future__ import annotations

from bot.features.forms import flow
from bot.features.forms.actions import DialogClick
from bot.features.registry import Click, stale
from bot.state import DoneState, FormState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.engine import ClickInput
from store.requests import format_request_id


async def dialog_click(turn: Turn, click: DialogClick, tapped: Click) -> None:
    state = tapped.state
    if isinstance(state, FormState) and state.dialog.instance == click.instance:
        await flow.continue_form(turn, state, ClickInput(click.action))
    elif isinstance(state, DoneState) and state.instance == click.instance:
        rid = format_request_id(state.request)
        await turn.reply(Text(say("req.already_submitted", turn.locale, rid=rid)))
    else:
        await stale(turn)
