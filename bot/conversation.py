"""The conversation's state in the store, so a restart continues where it was.

The kinds of state are in ``bot.state``; here they are loaded, saved, asked and ended.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.identity import reach
from bot.state import ConversationState, FormState, PromptState, SwitchState, state_from_row
from bot.turn import Turn
from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Text
from store import dialogs


async def load(turn: Turn) -> ConversationState | None:
    """The live state of this conversation; an expired form is dropped and the person told."""
    row = await dialogs.load_dialog(turn.session, lock_id=turn.key.lock_id)
    if row is None:
        return None
    state = state_from_row(row.state)
    if row.expires_at > turn.now and state is not None:
        return state
    await dialogs.delete_dialog(turn.session, lock_id=turn.key.lock_id)
    if isinstance(state, FormState):
        await _tell_expired(turn, state)
    return None


async def save(turn: Turn, state: ConversationState) -> None:
    await _save_in(turn, turn.key, turn.person.id, state)


async def _save_in(
    turn: Turn, key: ConversationKey, person_id: str, state: ConversationState
) -> None:
    minutes = turn.services.settings.bot.dialog_timeout_minutes
    await dialogs.save_dialog(
        turn.session,
        lock_id=key.lock_id,
        person=person_id,
        channel=key.channel,
        state=state.to_row(),
        now=turn.now,
        expires_at=turn.now + timedelta(minutes=minutes),
    )


async def ask(turn: Turn, prompt: PromptState) -> None:
    """Wait for the answer to one question; an open form is kept and resumed afterwards."""
    await _ask_in(turn, turn.key, turn.person.id, prompt)


async def ask_person(turn: Turn, person_id: str, prompt: PromptState) -> bool:
    """Make ``person_id``'s next message (in their direct chat on this channel, or on their
    home platform: where ``Turn.notify`` reaches them) the answer.

    Their conversation is locked first, so a turn of theirs running meanwhile is not lost.
    """
    person = turn.services.bundle.directory.person(person_id)
    key = reach(person, turn.key.channel, turn.key.tenant, turn.homes) if person else None
    if key is None:
        return False
    if key.lock_id != turn.key.lock_id:
        await turn.uow.lock_conversation(key.lock_id)
    await _ask_in(turn, key, person_id, prompt)
    return True


async def _ask_in(turn: Turn, key: ConversationKey, person_id: str, prompt: PromptState) -> None:
    row = await dialogs.load_dialog(turn.session, lock_id=key.lock_id)
    current = state_from_row(row.state) if row is not None and row.expires_at > turn.now else None
    resume = _form_of(current)
    await _save_in(turn, key, person_id, replace(prompt, resume=resume))


def _form_of(state: ConversationState | None) -> FormState | None:
    """The form that is open: the state itself, the one a question interrupted, or the one the
    switch question ("continue it, or start the new one?") keeps."""
    if isinstance(state, FormState):
        return state
    if isinstance(state, SwitchState):
        return state.form
    return state.resume if isinstance(state, PromptState) else None


async def end_prompt(turn: Turn, state: PromptState) -> FormState | None:
    """The question is answered: back to the form it interrupted (returned), or to nothing."""
    if state.resume is not None:
        await save(turn, state.resume)
        return state.resume
    await clear(turn)
    return None


async def clear(turn: Turn) -> None:
    await dialogs.delete_dialog(turn.session, lock_id=turn.key.lock_id)


async def _tell_expired(turn: Turn, state: FormState) -> None:
    service_id = state.dialog.service_id
    service = turn.services.bundle.catalog.get(service_id)
    name = service.name.get(turn.locale) if service else service_id
    minutes = turn.services.settings.bot.dialog_timeout_minutes
    await turn.reply(Text(say("dlg.expired", turn.locale, service=name, minutes=minutes)))
