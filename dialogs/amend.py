"""Changing one answer of a submitted request: "修改 REQ-12 金额 6000". Pure.

Finds the field by its label (zh or en) or id at the start of the text, reads the value with
the field's own parser, and returns the new answers, or what is wrong in the person's language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chat.i18n import say
from dialogs.engine import DialogContext, applicable_fields, display_answer, failing_check
from dialogs.fieldtypes import parse_answer, value_to_json
from dialogs.model import FieldDef
from dialogs.parsing.result import Invalid

_CONNECTORS = (
    "改为", "改成", "修改为", "变为", "变成", "为", "成", "to", "=", ":", "：", "->", "→",
)


@dataclass(frozen=True)
class Amendment:
    field: FieldDef
    answers: dict[str, Any]  # every answer after the change (inapplicable ones dropped)
    change: str  # "金额 ¥8,000.00 → ¥6,000.00", in the context's locale


@dataclass(frozen=True)
class AmendRefused:
    message: str


def amend(
    ctx: DialogContext, answers: Mapping[str, Any], text: str, rid: str
) -> Amendment | AmendRefused:
    fields = [f for f in applicable_fields(ctx, answers)]
    found = _field_named(fields, text, ctx.locale)
    if found is None:
        return _unknown_field(ctx, fields, rid)
    field, value_text = found
    parsed = parse_answer(field, value_text, today=ctx.today, directory=ctx.directory)
    label = field.label.get(ctx.locale)
    if isinstance(parsed, Invalid):
        return AmendRefused(say("amd.invalid", ctx.locale, label=label,
                                reason=parsed.reason.get(ctx.locale)))
    new_value = value_to_json(field, parsed.value)
    old_shown = display_answer(ctx, field, answers.get(field.id))
    if answers.get(field.id) == new_value:
        return AmendRefused(say("amd.same", ctx.locale, label=label, value=old_shown))
    changed = {**answers, field.id: new_value}
    still = applicable_fields(ctx, changed)
    missing = [f for f in still if f.required and f.id not in changed]
    if missing:
        return AmendRefused(say("amd.needs_more", ctx.locale, rid=rid,
                                label=missing[0].label.get(ctx.locale)))
    kept = {f.id: changed[f.id] for f in still if f.id in changed}
    check = failing_check(ctx, kept)  # the service's [[check]] rules hold after a change too
    if check is not None:
        return AmendRefused(check.message.get(ctx.locale))
    new_shown = display_answer(ctx, field, new_value)
    return Amendment(field, kept, f"{label} {old_shown} → {new_shown}")


def _field_named(
    fields: list[FieldDef], text: str, locale: str
) -> tuple[FieldDef, str] | None:
    """The field whose longest name starts ``text``, and the rest as the value: the names are
    matched on NFKC text, the value is cut from the text as typed ("，" stays full-width)."""
    typed = text.strip()
    folded = _fold(typed)
    best: tuple[int, FieldDef] | None = None
    for field in fields:
        for name in _names(field):
            if folded.startswith(name) and (best is None or len(name) > best[0]):
                best = (len(name), field)
    if best is None:
        return None
    return best[1], _without_connector(typed[_typed_length(typed, best[0]):])


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _typed_length(typed: str, folded_length: int) -> int:
    """How many characters of ``typed`` make the first ``folded_length`` of its folded form."""
    for end in range(len(typed) + 1):
        if len(_fold(typed[:end])) >= folded_length:
            return end
    return len(typed)


def _names(field: FieldDef) -> set[str]:
    names = {field.id, field.label.zh, field.label.en}
    return {unicodedata.normalize("NFKC", n).casefold().strip() for n in names if n.strip()}


def _without_connector(rest: str) -> str:
    rest = rest.strip()
    folded = _fold(rest)
    for word in sorted(_CONNECTORS, key=len, reverse=True):
        if folded.startswith(word) and (not word.isascii() or not word.isalpha()
                                        or folded[len(word):][:1] in (" ", "")):
            return rest[_typed_length(rest, len(word)):].strip()
    return rest


def _unknown_field(ctx: DialogContext, fields: list[FieldDef], rid: str) -> AmendRefused:
    listed = say("fmt.list_sep", ctx.locale).join(f.label.get(ctx.locale) for f in fields)
    example = fields[0].label.get(ctx.locale) if fields else "-"
    return AmendRefused(say("amd.unknown_field", ctx.locale, rid=rid, fields=listed,
                            example=example))
