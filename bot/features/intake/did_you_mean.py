""""Did you mean A or B?": when a sentence is close to more than one service (or worth asking
about but not sure enough to open a form), the person is asked instead of landing in a wrong
form. The card has a button per service and one for "none of these"; the same choice can be
typed: a number ("1", "第二个", "second"), a service's name in either language, or a sentence
that the matcher ranks for one of the offered services ("电脑那个"). "都不是" / "none" shows
the catalog. The sentence is kept (``ChooseState``) so the chosen form is prefilled from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot import conversation
from bot.features.intake.actions import CatalogClick, PickClick
from bot.state import ChooseState
from bot.turn import Turn
from chat.i18n import say
from chat.locale import I18n
from chat.replies import Button, Card
from dialogs.fieldtypes import parse_answer
from dialogs.matching import Matcher
from dialogs.model import FieldDef, Option, Service
from dialogs.parsing.result import Parsed
from dialogs.words import is_none_of_these

NoneOfThese = Literal["none of these"]
SUGGEST_SCORE = 0.25  # a name-only or weak suggestion worth asking about when nothing matched


@dataclass(frozen=True)
class Decision:
    """What the bot does with a first sentence: open a form, ask "did you mean", or neither."""

    kind: Literal["form", "ask", "none"]
    services: tuple[str, ...]  # the form's service, or the ones offered


def decide(matcher: Matcher, text: str) -> Decision:
    """The one decision intake acts on (and tests/quality measures)."""
    result = matcher.match(text)
    ids = tuple(c.service_id for c in result.candidates)
    if result.kind == "found":
        return Decision("form", ids[:1])
    if result.kind == "ambiguous":
        return Decision("ask", ids)
    near = tuple(c.service_id for c in matcher.suggest(text) if c.score >= SUGGEST_SCORE)
    return Decision("ask", near) if near else Decision("none", ())


async def ask(turn: Turn, text: str, services: list[Service]) -> None:
    """Ask which of ``services`` the sentence meant, keeping the sentence for prefill."""
    await conversation.save(turn, ChooseState(text, tuple(s.id for s in services)))
    await turn.reply(choice_card(turn.locale, services))


def choice_card(locale: str, services: list[Service]) -> Card:
    names = [s.name.get(locale) for s in services]
    if len(names) == 1:
        title = say("did_you_mean.one", locale, service=names[0])
    elif len(names) == 2:
        title = say("did_you_mean.two", locale, first=names[0], second=names[1])
    else:
        title = say("match.ambiguous", locale)
    lines = [f"{n}. {s.name.get(locale)}: {s.description.get(locale)}"
             for n, s in enumerate(services, start=1)]
    buttons = tuple(Button(s.name.get(locale), PickClick(s.id).format()) for s in services)
    none = Button(say("did_you_mean.none_button", locale), CatalogClick("").format())
    return Card(title=title, body="\n".join(lines), buttons=(*buttons, none),
                footer=say("did_you_mean.hint", locale))


def typed_choice(turn: Turn, state: ChooseState, text: str) -> Service | NoneOfThese | None:
    """What a typed reply to the card picks: a service, "none of these", or ``None`` when it
    is no answer to the card (then it is a new sentence)."""
    catalog = turn.services.bundle.catalog
    offered = [s for sid in state.options if (s := catalog.get(sid)) is not None]
    if not offered:
        return None
    if is_none_of_these(text):
        return "none of these"
    if len(offered) == 1:  # "你是想办「A」吗？" "是的" / "不是"
        yes = parse_answer(_YES_NO, text, today=date.min)
        if isinstance(yes, Parsed):
            return offered[0] if yes.value else "none of these"
    parsed = parse_answer(_as_field(offered), text, today=date.min)
    if isinstance(parsed, Parsed):
        return next((s for s in offered if s.id == parsed.value), None)
    ranked = turn.services.matcher.match(text)
    if ranked.kind == "found" and ranked.candidates[0].service_id in state.options:
        return catalog.get(ranked.candidates[0].service_id)
    return None


_YES_NO = FieldDef(id="meant", type="bool", ask=I18n("", ""), label=I18n("", ""))


def _as_field(services: list[Service]) -> FieldDef:
    """The offered services as a choice question, so numbers and names parse like any choice."""
    first = services[0].name
    return FieldDef(id="service", type="choice", ask=first, label=first,
                    options=tuple(Option(s.id, s.name) for s in services))
