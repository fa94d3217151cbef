"""What a conversation is waiting for, stored so a restart continues where it was.

Kinds: ``form`` (a dialog filling a service), ``choose`` (we asked "did you mean A or B?" and
keep the sentence for prefill), ``prompt`` (we asked one free-text question, e.g. a reason),
``done`` (a form was submitted; kept for a while so a second Submit click is recognised).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.identity import address_of
from bot.turn import Turn
from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Text
from store import dialogs

ConversationState = dict[str, Any]


async def load(turn: Turn) -> ConversationState | None:
    """The live state of this conversation; an expired form is dropped and the person told."""
    row = await dialogs.load_dialog(turn.session, lock_id=turn.key.lock_id)
    if row is None:
        return None
    state: ConversationState = dict(row.state)
    if row.expires_at > turn.now:
        return state
    await dialogs.delete_dialog(turn.session, lock_id=turn.key.lock_id)
    if state.get("kind") == "form":
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
        state=state,
        now=turn.now,
        expires_at=turn.now + timedelta(minutes=minutes),
    )


async def ask(turn: Turn, prompt: ConversationState) -> None:
    """Wait for the answer to one question; an open form is kept and resumed afterwards."""
    await _ask_in(turn, turn.key, turn.person.id, prompt)


async def ask_person(turn: Turn, person_id: str, prompt: ConversationState) -> bool:
    """Make ``person_id``'s next message (in their direct chat on this channel) the answer.

    Their conversation is locked first, so a turn of theirs running meanwhile is not lost.
    """
    person = turn.services.bundle.directory.person(person_id)
    key = address_of(person, turn.key.channel, turn.key.tenant) if person else None
    if key is None:
        return False
    if key.lock_id != turn.key.lock_id:
        await turn.uow.lock_conversation(key.lock_id)
    await _ask_in(turn, key, person_id, prompt)
    return True


async def _ask_in(
    turn: Turn, key: ConversationKey, person_id: str, prompt: ConversationState
) -> None:
    row = await dialogs.load_dialog(turn.session, lock_id=key.lock_id)
    current = dict(row.state) if row is not None and row.expires_at > turn.now else None
    resume = current if current and current.get("kind") == "form" else (
        current.get("resume") if current and current.get("kind") == "prompt" else None)
    state = {"kind": "prompt", **prompt, **({"resume": resume} if resume else {})}
    await _save_in(turn, key, person_id, state)


async def end_prompt(turn: Turn, state: ConversationState) -> ConversationState | None:
    """The question is answered: back to the form it interrupted (returned), or to nothing."""
    resume = state.get("resume")
    if isinstance(resume, dict):
        await save(turn, resume)
        return resume
    await clear(turn)
    return None


async def clear(turn: Turn) -> None:
    await dialogs.delete_dialog(turn.session, lock_id=turn.key.lock_id)


async def _tell_expired(turn: Turn, state: ConversationState) -> None:
    service = turn.services.bundle.catalog.get(str(state.get("service_id", "")))
    name = service.name.get(turn.locale) if service else str(state.get("service_id", ""))
    minutes = turn.services.settings.bot.dialog_timeout_minutes
    await turn.reply(Text(say("dlg.expired", turn.locale, service=name, minutes=minutes)))
