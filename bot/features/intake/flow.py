"""From a free sentence to a form: intent matching, "did you mean", and the catalog."""

from __future__ import annotations

from bot import conversation
from bot.features.choices.flow import bare_number, nothing_to_pick
from bot.features.forms.flow import start_form, start_resubmission
from bot.features.intake import did_you_mean
from bot.features.intake.actions import CatalogClick, PickClick
from bot.state import ChooseState, ConversationState
from bot.turn import Turn
from bot.views import status_label
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Button, Card, Text
from dialogs.model import Service
from store.requests import format_request_id


async def from_text(turn: Turn, text: str) -> None:
    """Find the service a sentence asks for and open its form, keeping what it said."""
    if await _answers_did_you_mean(turn, text):
        return
    number = bare_number(text)
    if number is not None:  # "1" that no card's numbered choice took: no service to find
        await nothing_to_pick(turn, number)
        return
    decision = did_you_mean.decide(turn.services.matcher, text)
    catalog = turn.services.bundle.catalog
    services = [s for sid in decision.services if (s := catalog.get(sid)) is not None]
    if decision.kind == "form" and services:
        await start_form(turn, services[0], text)
        return
    if decision.kind == "ask" and services:
        await did_you_mean.ask(turn, text, services)
        return
    await turn.reply(Text(say("match.none", turn.locale)))
    await show_catalog(turn)


async def _answers_did_you_mean(turn: Turn, text: str) -> bool:
    """A typed answer to an open "did you mean" card ("1", "笔记本电脑申请", "都不是")."""
    state = await conversation.load(turn)
    if not isinstance(state, ChooseState):
        return False
    picked = did_you_mean.typed_choice(turn, state, text)
    if picked is None:
        return False
    if picked == "none of these":
        await conversation.clear(turn)
        await turn.reply(Text(say("match.none", turn.locale)))
        await show_catalog(turn)
        return True
    await pick(turn, picked.id, state)
    return True


async def pick(turn: Turn, service_id: str, state: ConversationState | None) -> None:
    """A service chosen from a "did you mean" or catalog card."""
    service = turn.services.bundle.catalog.get(service_id)
    if service is None:
        await turn.reply(Text(say("dlg.stale", turn.locale)))
        return
    sentence = ""
    if isinstance(state, ChooseState) and service_id in state.options:
        sentence = state.text
    await start_form(turn, service, sentence)


async def show_catalog(turn: Turn) -> None:
    departments = sorted(turn.services.bundle.catalog.by_department())
    directory = turn.services.bundle.directory
    buttons = tuple(Button(directory.dept_label(dept, turn.locale), CatalogClick(dept).format())
                    for dept in departments)
    await turn.reply(Card(title=say("catalog.title", turn.locale), buttons=buttons))


async def show_department(turn: Turn, department: str) -> None:
    services = turn.services.bundle.catalog.by_department().get(department, [])
    if not services:
        await show_catalog(turn)
        return
    label = turn.services.bundle.directory.dept_label(department, turn.locale)
    title = say("catalog.dept_title", turn.locale, dept=label)
    await conversation.clear(turn)
    await turn.reply(_choice_card(turn, title, services))


def _choice_card(turn: Turn, title: str, services: list[Service]) -> Card:
    loc = turn.locale
    lines = [f"· {s.name.get(loc)}: {s.description.get(loc)}" for s in services]
    buttons = tuple(Button(s.name.get(loc), PickClick(s.id).format()) for s in services)
    return Card(title=title, body="\n".join(lines), buttons=buttons)


RESUBMITTABLE = frozenset({"rejected", "withdrawn"})


async def resubmit(turn: Turn, request_id: int) -> None:
    """重新提交: the requester files a rejected (or withdrawn) request again, its form
    prefilled with the old answers."""
    old = await visible_request(turn, request_id)
    if old is None:
        return
    rid = format_request_id(request_id)
    service = turn.services.bundle.catalog.get(old.service_id)
    if old.requester != turn.person.id:
        await turn.reply(Text(say("ret.only_requester_resubmits", turn.locale, rid=rid)))
    elif old.status not in RESUBMITTABLE or service is None:
        await turn.reply(Text(say("ret.cannot_resubmit", turn.locale, rid=rid,
                                  status=status_label(old.status, turn.locale))))
    else:
        await start_resubmission(turn, service, old)
