"""The slot-filling dialog engine: pure, no I/O.

A dialog fills the fields of one service from chat turns: it keeps what the first sentence
already said, asks for each remaining field in order (honouring ``when``), validates answers,
and, once the service's ``[[check]]`` rules hold, ends with a confirmation card
(Submit / Edit / Cancel). ``back``, ``skip``, ``help`` and
``cancel`` work at any point. The state is a plain JSON-able value so it can be stored and a
restarted process continues where it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from chat.i18n import say
from chat.replies import Button, Card, CardField, Message, Text
from dialogs.fieldtypes import Invalid, display_value, parse_answer, value_to_json
from dialogs.model import CheckDef, FieldDef, Service
from dialogs.parsing.dates import example_day, example_values, out_of_bounds
from dialogs.parsing.result import Reason
from dialogs.prefill import prefill
from dialogs.words import command_of, normalize
from org.model import Directory, Person

Phase = Literal["asking", "confirming", "picking_edit", "editing"]
Outcome = Literal["continue", "submitted", "cancelled"]
ACTION_PREFIX = "dlg"


@dataclass(frozen=True)
class DialogContext:
    service: Service
    today: date
    locale: str
    requester: Person | None = None
    directory: Directory | None = None


@dataclass(frozen=True)
class DialogState:
    instance: str
    service_id: str
    service_version: str
    answers: Mapping[str, Any] = field(default_factory=dict)  # JSON values; None = skipped
    asked: tuple[str, ...] = ()  # fields answered through a question, in order, for "back"
    asking: str | None = None
    phase: Phase = "asking"

    def to_json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "service_id": self.service_id,
            "service_version": self.service_version,
            "answers": dict(self.answers),
            "asked": list(self.asked),
            "asking": self.asking,
            "phase": self.phase,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DialogState:
        return cls(
            instance=str(data["instance"]),
            service_id=str(data["service_id"]),
            service_version=str(data.get("service_version", "")),
            answers=dict(data.get("answers") or {}),
            asked=tuple(data.get("asked") or ()),
            asking=data.get("asking"),
            phase=data.get("phase", "asking"),
        )


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class ClickInput:
    """The part of a ``dlg:<instance>:...`` action id after the instance."""

    action: str


DialogInput = TextInput | ClickInput


@dataclass(frozen=True)
class DialogStep:
    state: DialogState | None
    replies: tuple[Message, ...]
    outcome: Outcome = "continue"


def action_id(state: DialogState, *parts: str) -> str:
    return ":".join((ACTION_PREFIX, state.instance, *parts))


def start(ctx: DialogContext, text: str, instance: str) -> DialogStep:
    """Open a dialog for ``ctx.service`` from the sentence that chose it."""
    service = ctx.service
    found = prefill(service, text, today=ctx.today, directory=ctx.directory)
    refused = _outside_bounds(ctx, found)
    answers = {
        fid: value_to_json(fdef, value)
        for fid, value in found.items()
        if (fdef := service.field(fid)) is not None and fid not in refused
    }
    state = DialogState(instance, service.id, service.version, answers=answers)
    intro = say("dlg.start", ctx.locale, service=service.name.get(ctx.locale))
    noted = _describe_answers(ctx, state, tuple(answers))
    if noted:
        intro += (" " if ctx.locale == "en" else "") + say("dlg.prefilled", ctx.locale,
                                                            items=noted)
    intro += "\n" + say("dlg.commands_hint", ctx.locale)
    told = [Text(say("values.not_noted", ctx.locale, label=_label(ctx, fid),
                     reason=reason.get(ctx.locale))) for fid, reason in refused.items()]
    return _advance(ctx, state, [Text(intro), *told])


def _label(ctx: DialogContext, field_id: str) -> str:
    fdef = ctx.service.field(field_id)
    return fdef.label.get(ctx.locale) if fdef else field_id


def _outside_bounds(ctx: DialogContext, found: Mapping[str, Any]) -> dict[str, Reason]:
    """Dates of the first sentence outside their field's bounds ("订昨天的会议室"): not taken,
    and the reason said before the question."""
    refused = {}
    for fid, value in found.items():
        fdef = ctx.service.field(fid)
        if fdef is not None and fdef.type == "date" and isinstance(value, date):
            problem = out_of_bounds(fdef, value, ctx.today)
            if problem is not None:
                refused[fid] = problem.reason
    return refused


def start_with(ctx: DialogContext, answers: Mapping[str, Any], instance: str) -> DialogStep:
    """Open a dialog with ``answers`` (JSON values, e.g. a rejected request's) already given:
    it asks only what is missing, then shows the confirmation card, where any can be edited."""
    service = ctx.service
    known = {fid: value for fid, value in answers.items() if service.field(fid) is not None}
    state = DialogState(instance, service.id, service.version, answers=known)
    intro = say("dlg.start", ctx.locale, service=service.name.get(ctx.locale))
    return _advance(ctx, state, [Text(intro + "\n" + say("dlg.commands_hint", ctx.locale))])


def handle(ctx: DialogContext, state: DialogState, given: DialogInput) -> DialogStep:
    """One turn: a typed message or a click on one of this dialog's buttons."""
    if isinstance(given, ClickInput):
        return _handle_click(ctx, state, given.action)
    command = command_of(given.text)
    if command == "cancel":
        return _cancel(ctx)
    if command == "help":
        return DialogStep(state, (_help(ctx, state), *_prompt(ctx, state)))
    if state.phase == "confirming":
        return _handle_confirming_text(ctx, state, given.text, command)
    if state.phase == "picking_edit":
        return _handle_pick_text(ctx, state, given.text, command)
    if command == "back":
        return _back(ctx, state)
    if command == "skip":
        return _skip(ctx, state)
    return _answer(ctx, state, given.text)


def resume(ctx: DialogContext, state: DialogState) -> DialogStep:
    """Show the current question again (after a restart, or on request)."""
    return DialogStep(state, _prompt(ctx, state))


def applicable_fields(ctx: DialogContext, answers: Mapping[str, Any]) -> list[FieldDef]:
    """The service's fields whose ``when`` holds for these answers, in order."""
    env = condition_env(ctx.requester, answers)
    return [f for f in ctx.service.fields if f.when is None or f.when.evaluate(env)]


def condition_env(requester: Person | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Names a ``when`` expression can use: field ids and requester attributes."""
    env: dict[str, Any] = dict(answers)
    if requester is not None:
        env.update(
            {
                "requester.id": requester.id,
                "requester.dept": requester.dept,
                "requester.level": requester.level,
                "requester.roles": list(requester.roles),
            }
        )
    return env


def summary_fields(ctx: DialogContext, answers: Mapping[str, Any]) -> tuple[CardField, ...]:
    """Label and display value of every applicable field, for confirmation and status cards."""
    return tuple(
        CardField(f.label.get(ctx.locale), _display(ctx, f, answers.get(f.id)))
        for f in applicable_fields(ctx, answers)
        if f.id in answers
    )


# --- moving through the form ------------------------------------------------------------------


def _advance(ctx: DialogContext, state: DialogState, preface: list[Message]) -> DialogStep:
    state = _drop_inapplicable(ctx, state)
    missing = next(
        (f for f in applicable_fields(ctx, state.answers) if f.id not in state.answers), None
    )
    if missing is None:
        return _to_confirmation(ctx, state, preface)
    phase: Phase = "editing" if state.phase == "editing" else "asking"
    state = replace(state, asking=missing.id, phase=phase)
    return DialogStep(state, (*preface, *_prompt(ctx, state)))


def _to_confirmation(
    ctx: DialogContext, state: DialogState, preface: Sequence[Message] = ()
) -> DialogStep:
    """Every answer is in: the confirmation card, unless a ``[[check]]`` of the service fails;
    then its message, and its field asked again (its current answer shown)."""
    check = failing_check(ctx, state.answers)
    if check is None:
        state = replace(state, asking=None, phase="confirming")
        return DialogStep(state, (*preface, *_prompt(ctx, state)))
    state = replace(state, asking=check.field, phase="editing")
    said = Text(check.message.get(ctx.locale), asks=check.field)
    return DialogStep(state, (*preface, said, *_prompt(ctx, state)))


def failing_check(ctx: DialogContext, answers: Mapping[str, Any]) -> CheckDef | None:
    """The first ``[[check]]`` whose ``when`` holds for ``answers``; a check that names an
    answer not given (or skipped) waits until it is."""
    env = condition_env(ctx.requester, answers)
    fields = {f.id for f in ctx.service.fields}
    applicable = {f.id for f in applicable_fields(ctx, answers)}
    for check in ctx.service.checks:
        named = check.when.names & fields
        if check.field not in applicable or any(answers.get(n) is None for n in named):
            continue
        if check.when.evaluate(env):
            return check
    return None


def _drop_inapplicable(ctx: DialogContext, state: DialogState) -> DialogState:
    """Forget answers to fields that no longer apply (e.g. gpu after model changed to std)."""
    applicable = {f.id for f in applicable_fields(ctx, state.answers)}
    answers = {k: v for k, v in state.answers.items() if k in applicable}
    if len(answers) == len(state.answers):
        return state
    asked = tuple(a for a in state.asked if a in answers)
    return replace(state, answers=answers, asked=asked)


def _answer(ctx: DialogContext, state: DialogState, text: str) -> DialogStep:
    fdef = ctx.service.field(state.asking or "")
    if fdef is None:
        return _advance(ctx, state, [])
    parsed = parse_answer(fdef, text, today=ctx.today, directory=ctx.directory)
    if isinstance(parsed, Invalid):
        return DialogStep(state, (Text(parsed.reason.get(ctx.locale), asks=fdef.id),
                                  *_prompt(ctx, state)))
    return _advance(ctx, _store(state, fdef, value_to_json(fdef, parsed.value)), [])


def _store(state: DialogState, fdef: FieldDef, value: Any) -> DialogState:
    answers = {**state.answers, fdef.id: value}
    asked = (*(a for a in state.asked if a != fdef.id), fdef.id)
    return replace(state, answers=answers, asked=asked)


def _back(ctx: DialogContext, state: DialogState) -> DialogStep:
    if state.phase == "editing":
        return _to_confirmation(ctx, state)
    previous = state.asked[-1] if state.asked else _last_prefilled(ctx, state)
    if previous is None:
        return DialogStep(state, (Text(say("dlg.first_question", ctx.locale)),
                                  *_prompt(ctx, state)))
    answers = {k: v for k, v in state.answers.items() if k != previous}
    asked = tuple(a for a in state.asked if a != previous)
    state = replace(state, answers=answers, asked=asked, phase="asking", asking=previous)
    return DialogStep(state, _prompt(ctx, state))


def _last_prefilled(ctx: DialogContext, state: DialogState) -> str | None:
    """The answered field just before the current question (answered by the first sentence)."""
    previous = None
    for fdef in applicable_fields(ctx, state.answers):
        if fdef.id == state.asking:
            break
        if fdef.id in state.answers:
            previous = fdef.id
    return previous


def _skip(ctx: DialogContext, state: DialogState) -> DialogStep:
    fdef = ctx.service.field(state.asking or "")
    if fdef is None:
        return _advance(ctx, state, [])
    if fdef.required:
        reason = say("dlg.required", ctx.locale, label=fdef.label.get(ctx.locale))
        return DialogStep(state, (Text(reason, asks=fdef.id), *_prompt(ctx, state)))
    return _advance(ctx, _store(state, fdef, None), [])


def _cancel(ctx: DialogContext) -> DialogStep:
    text = say("dlg.cancelled", ctx.locale, service=ctx.service.name.get(ctx.locale))
    return DialogStep(None, (Text(text),), "cancelled")


# --- confirmation and editing -----------------------------------------------------------------


def _handle_confirming_text(
    ctx: DialogContext, state: DialogState, text: str, command: str | None
) -> DialogStep:
    if command == "submit" or normalize(text) in {"是", "好", "yes", "ok", "y"}:
        return _submit(ctx, state)
    if command == "edit":
        return _pick_edit(ctx, state)
    if command == "back":
        return _back(ctx, replace(state, phase="asking"))
    return DialogStep(state, (Text(say("dlg.confirm_again", ctx.locale)), *_prompt(ctx, state)))


def _submit(ctx: DialogContext, state: DialogState) -> DialogStep:
    """Submit what the card shows, checked once more (the checks hold on what is filed)."""
    if failing_check(ctx, state.answers) is not None:
        return _to_confirmation(ctx, state)
    return DialogStep(state, (), "submitted")


def _pick_edit(ctx: DialogContext, state: DialogState) -> DialogStep:
    state = replace(state, phase="picking_edit", asking=None)
    return DialogStep(state, _prompt(ctx, state))


def _handle_pick_text(
    ctx: DialogContext, state: DialogState, text: str, command: str | None
) -> DialogStep:
    if command == "back":
        return _to_confirmation(ctx, state)
    wanted = normalize(text)
    for fdef in applicable_fields(ctx, state.answers):
        names = {fdef.id.lower(), normalize(fdef.label.zh), normalize(fdef.label.en)}
        if wanted in names:
            return _edit(ctx, state, fdef.id)
    return DialogStep(state, (Text(say("dlg.edit_pick_unknown", ctx.locale)),
                              *_prompt(ctx, state)))


def _edit(ctx: DialogContext, state: DialogState, field_id: str) -> DialogStep:
    if ctx.service.field(field_id) is None:
        return DialogStep(state, _prompt(ctx, state))
    state = replace(state, phase="editing", asking=field_id)
    return DialogStep(state, _prompt(ctx, state))


def _handle_click(ctx: DialogContext, state: DialogState, action: str) -> DialogStep:
    verb, _, rest = action.partition(":")
    if verb == "submit" and state.phase == "confirming":
        return _submit(ctx, state)
    if verb == "cancel":
        return _cancel(ctx)
    if verb == "edit" and state.phase in ("confirming", "picking_edit"):
        return _edit(ctx, state, rest) if rest else _pick_edit(ctx, state)
    if verb == "confirm":
        return _to_confirmation(ctx, state)
    if verb == "set":
        return _click_value(ctx, state, rest)
    return DialogStep(state, _prompt(ctx, state))


def _click_value(ctx: DialogContext, state: DialogState, rest: str) -> DialogStep:
    """A choice or yes/no button, possibly on an earlier question: it sets that answer."""
    field_id, _, raw = rest.partition(":")
    fdef = ctx.service.field(field_id)
    applicable = {f.id for f in applicable_fields(ctx, state.answers)}
    if fdef is None or field_id not in applicable:
        return DialogStep(state, _prompt(ctx, state))
    parsed = parse_answer(fdef, raw, today=ctx.today, directory=ctx.directory)
    if isinstance(parsed, Invalid):
        return DialogStep(state, _prompt(ctx, state))
    return _advance(ctx, _store(state, fdef, value_to_json(fdef, parsed.value)), [])


# --- rendering --------------------------------------------------------------------------------


def _prompt(ctx: DialogContext, state: DialogState) -> tuple[Message, ...]:
    if state.phase == "confirming":
        return (_confirmation_card(ctx, state),)
    if state.phase == "picking_edit":
        return (_edit_card(ctx, state),)
    fdef = ctx.service.field(state.asking or "")
    return (_question(ctx, state, fdef),) if fdef else ()


def _question(ctx: DialogContext, state: DialogState, fdef: FieldDef) -> Message:
    loc = ctx.locale
    if state.phase == "editing":
        lines = [fdef.ask.get(loc)]
        if fdef.id in state.answers:
            lines.append(say("values.current", loc,
                             value=_display(ctx, fdef, state.answers[fdef.id])))
    else:
        n, total = _progress(ctx, state)
        lines = [f"[{say('dlg.progress', loc, n=n, total=total)}] {fdef.ask.get(loc)}"]
    lines.append(_hint(ctx, fdef))
    if not fdef.required:
        lines.append(say("dlg.optional", loc))
    buttons = _answer_buttons(ctx, state, fdef)
    if buttons:
        return Card(title=lines[0], body="\n".join(lines[1:]), buttons=buttons, asks=fdef.id)
    return Text("\n".join(lines), asks=fdef.id)


def _progress(ctx: DialogContext, state: DialogState) -> tuple[int, int]:
    """``第 n/total 项`` counts only the questions of this form: the ones answered by asking,
    then this one and the ones still to ask. n goes up by one per answer; prefilled answers
    are not counted, so the counter never jumps (a condition that adds a field adds to total)."""
    fields = applicable_fields(ctx, state.answers)
    done = sum(1 for f in fields if f.id in state.asked and f.id in state.answers)
    to_ask = sum(1 for f in fields if f.id not in state.answers)
    return done + 1, done + max(to_ask, 1)


_HINT_KEYS = {
    "text": "hint.text", "number": "hint.number", "money": "hint.money", "date": "hint.date",
    "bool": "hint.bool", "choice": "hint.choice", "multichoice": "hint.multichoice",
    "user": "hint.user",
}


def _hint(ctx: DialogContext, fdef: FieldDef) -> str:
    if fdef.help is not None:
        return fdef.help.get(ctx.locale)
    if fdef.type == "date":
        earliest = fdef.earliest.on(ctx.today) if fdef.earliest else None
        latest = fdef.latest.on(ctx.today) if fdef.latest else None
        values = example_values(example_day(ctx.today, earliest, latest))
        return say("hint.date", ctx.locale, iso=values["iso"], md=values["md"].get(ctx.locale))
    return say(_HINT_KEYS[fdef.type], ctx.locale)


def _answer_buttons(ctx: DialogContext, state: DialogState, fdef: FieldDef) -> tuple[Button, ...]:
    if fdef.type == "choice":
        return tuple(
            Button(o.label.get(ctx.locale), action_id(state, "set", fdef.id, o.value), o.value)
            for o in fdef.options
        )
    if fdef.type == "bool":
        return (
            Button(say("dlg.yes", ctx.locale), action_id(state, "set", fdef.id, "yes"), "yes"),
            Button(say("dlg.no", ctx.locale), action_id(state, "set", fdef.id, "no"), "no"),
        )
    return ()


def _confirmation_card(ctx: DialogContext, state: DialogState) -> Card:
    loc = ctx.locale
    return Card(
        title=say("dlg.confirm_title", loc, service=ctx.service.name.get(loc)),
        body=say("dlg.confirm_body", loc),
        fields=summary_fields(ctx, state.answers),
        buttons=(
            Button(say("dlg.submit", loc), action_id(state, "submit"), style="primary"),
            Button(say("dlg.edit", loc), action_id(state, "edit")),
            Button(say("dlg.cancel", loc), action_id(state, "cancel"), style="danger"),
        ),
        footer=say("dlg.confirm_footer", loc),
    )


def _edit_card(ctx: DialogContext, state: DialogState) -> Card:
    loc = ctx.locale
    buttons = tuple(
        Button(f.label.get(loc), action_id(state, "edit", f.id))
        for f in applicable_fields(ctx, state.answers)
    )
    back = Button(say("dlg.back_to_confirm", loc), action_id(state, "confirm"))
    return Card(title=say("dlg.edit_pick", loc), buttons=(*buttons, back))


def _help(ctx: DialogContext, state: DialogState) -> Text:
    fdef = ctx.service.field(state.asking or "")
    ask = fdef.ask.get(ctx.locale) if fdef else say("dlg.confirm_body", ctx.locale)
    hint = _hint(ctx, fdef) if fdef else say("dlg.confirm_footer", ctx.locale)
    return Text(say("dlg.help", ctx.locale, service=ctx.service.name.get(ctx.locale),
                    ask=ask, hint=hint))


def _describe_answers(ctx: DialogContext, state: DialogState, ids: tuple[str, ...]) -> str:
    sep = say("fmt.clause_sep", ctx.locale)
    parts = []
    for fid in ids:
        fdef = ctx.service.field(fid)
        if fdef is not None:
            shown = _display(ctx, fdef, state.answers.get(fid))
            parts.append(f"{fdef.label.get(ctx.locale)} {shown}")
    return sep.join(parts)


def display_answer(ctx: DialogContext, fdef: FieldDef, raw: Any) -> str:
    """A stored answer as people read it (skipped ones say so)."""
    return _display(ctx, fdef, raw)


def _display(ctx: DialogContext, fdef: FieldDef, raw: Any) -> str:
    if raw is None:
        return say("dlg.skipped", ctx.locale)
    from dialogs.fieldtypes import value_from_json

    return display_value(fdef, value_from_json(fdef, raw), ctx.locale, ctx.directory)
