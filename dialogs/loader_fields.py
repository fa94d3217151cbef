"""Reading the ``[[field]]`` tables of a service package, and checking ``when`` conditions
against them (names that exist, fields asked earlier, types that can be compared)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from chat.locale import I18n
from dialogs.expr import REQUESTER_NAMES, Expr, ExprError, check_types, parse_expr
from dialogs.model import FIELD_TYPES, DateBound, FieldDef, FieldType, Option
from org.toml_tables import Report, Table, did_you_mean

LOCAL_ID = re.compile(r"[a-z][a-z0-9_]*")
LOCAL_ID_RULE = "must be lowercase letters, digits and '_', starting with a letter"
FIELD_KEYS = ("id", "type", "ask", "label", "help", "required", "when", "options", "min", "max",
              "min_length", "max_length")
OPTION_KEYS = ("value", "label")
CHOICES = ("choice", "multichoice")
NUMERIC = ("number", "money")


@dataclass
class FieldSpec:
    """What the file says about one field, kept even when part of it is wrong."""

    id: str | None
    type: str | None
    options: frozenset[str]
    table: Table
    definition: FieldDef | None


@dataclass
class Fields:
    """The fields of one service, in the order they are asked."""

    specs: list[FieldSpec]

    def ids(self, before: int | None = None) -> list[str]:
        specs = self.specs if before is None else self.specs[:before]
        return [s.id for s in specs if s.id is not None]

    def types(self, before: int | None = None) -> dict[str, str]:
        specs = self.specs if before is None else self.specs[:before]
        return {s.id: s.type for s in specs if s.id is not None and s.type is not None}

    def options(self) -> dict[str, set[str]]:
        return {s.id: set(s.options) for s in self.specs if s.id is not None and s.options}

    def definitions(self) -> tuple[FieldDef, ...]:
        return tuple(s.definition for s in self.specs if s.definition is not None)


def read_fields(top: Table) -> Fields:
    specs = [_read_field(raw, top.report, n) for n, raw in enumerate(top.tables("field"), 1)]
    fields = Fields(_without_duplicates(specs))
    for index, spec in enumerate(fields.specs):
        when = read_when(spec.table, fields, before=index, this=spec.id)
        if when is not None and spec.definition is not None:
            spec.definition = replace(spec.definition, when=when)
    return fields


def read_when(table: Table, fields: Fields, *, before: int | None = None,
              this: str | None = None) -> Expr | None:
    """The table's ``when``, parsed and checked; ``before`` limits it to the fields before it."""
    text = table.text("when")
    if text is None:
        return None
    try:
        expr = parse_expr(text)
    except ExprError as exc:
        table.say("when", f"{text!r} does not parse: {exc.message}")
        return None
    problems = _name_problems(expr, fields, before, this)
    if not problems:
        types = {**REQUESTER_NAMES, **fields.types(before)}
        problems = check_types(expr, types, fields.options())
    for problem in problems:
        table.say("when", problem)
    return expr


def default_label(ask: I18n) -> I18n:
    """The question without its question mark: ``需要哪种型号？`` -> ``需要哪种型号``."""
    return I18n(ask.zh.rstrip().rstrip("？?").rstrip(), ask.en.rstrip().rstrip("?").rstrip())


def _name_problems(expr: Expr, fields: Fields, before: int | None, this: str | None) -> list[str]:
    visible, every = set(fields.ids(before)), fields.ids()
    rule = "a field's when may only use fields asked before it"
    problems = []
    for name in sorted(expr.names - visible - set(REQUESTER_NAMES)):
        if name == this:
            problems.append(f"'{name}' is this field itself; {rule}")
        elif name in every:
            problems.append(f"'{name}' is asked after this field; {rule}")
        elif name.startswith("requester."):
            problems.append(f"'{name}' is not known (the requester has "
                            f"{', '.join(REQUESTER_NAMES)})")
        else:
            hint = did_you_mean(name, [*every, *REQUESTER_NAMES])
            problems.append(f"'{name}' is not a field of this service{hint}")
    return problems


def _read_field(raw: dict[str, Any], report: Report, number: int) -> FieldSpec:
    given = raw.get("id")
    item = f"field {given}" if isinstance(given, str) and given.strip() else f"field #{number}"
    table = Table(raw, report, item, FIELD_KEYS)
    fid = table.text("id", required=True)
    if fid is not None and not LOCAL_ID.fullmatch(fid):
        table.problem(f"{LOCAL_ID_RULE} (it is used in conditions and titles)", "id")
    ftype = table.choice("type", FIELD_TYPES, required=True, what="field type")
    ask = table.i18n("ask", required=True)
    label = table.i18n("label") or (default_label(ask) if ask is not None else None)
    options = _read_options(table, ftype)
    extra: dict[str, Any] = {**_read_bounds(table, ftype), "help": table.i18n("help"),
                             "required": table.flag("required", True), "options": options}
    definition = None
    if fid is not None and ftype is not None and ask is not None and label is not None:
        definition = FieldDef(id=fid, type=cast(FieldType, ftype), ask=ask, label=label, **extra)
    values = frozenset(o.value for o in options)
    return FieldSpec(fid, ftype, values, table, definition)


def _without_duplicates(specs: Iterable[FieldSpec]) -> list[FieldSpec]:
    kept: list[FieldSpec] = []
    for spec in specs:
        if spec.id is not None and spec.id in {k.id for k in kept}:
            spec.table.problem("is defined twice; field ids must be unique", "id")
            continue
        kept.append(spec)
    return kept


def _read_options(table: Table, ftype: str | None) -> tuple[Option, ...]:
    if ftype not in CHOICES:
        if table.has("options") and ftype is not None:
            table.problem("only applies to choice and multichoice fields", "options")
        return ()
    raw = table.raw("options")
    if raw is None:
        table.problem(f"a {ftype} field needs 'options'")
        return ()
    if not isinstance(raw, list) or not raw:
        table.problem("must list at least one option", "options")
        return ()
    options = [o for n, v in enumerate(raw, 1) if (o := _read_option(table, v, n)) is not None]
    seen: set[str] = set()
    for option in options:
        if option.value in seen:
            table.problem(f"lists the value {option.value!r} more than once", "options")
        seen.add(option.value)
    return tuple(options)


def _read_option(table: Table, raw: Any, number: int) -> Option | None:
    where = f"options[{number}]"
    if isinstance(raw, str) and raw.strip():
        return Option(raw, I18n(raw, raw))
    if not isinstance(raw, dict):
        table.problem("must be a text or a table { value = ..., label = { zh, en } }", where)
        return None
    option = table.child(raw, where, OPTION_KEYS)
    value = option.text("value", required=True)
    label = option.i18n("label")
    return None if value is None else Option(value, label or I18n(value, value))


DATE_BOUND = re.compile(r"(?P<sign>[+-])(?P<n>[0-9]{1,4})(?P<unit>[dwmy])")
DATE_BOUND_RULE = ("must be \"today\", a day like \"2027-01-01\", or today moved by days, "
                   "weeks, months or years like \"+1y\", \"-30d\", \"+2w\", \"+6m\"")


def read_date_bound(raw: Any) -> DateBound | None:
    """``today``, ``+1y``, ``-30d``, ``+2w``, ``+6m`` or a fixed day; None when it is none."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return DateBound(raw.isoformat(), fixed=raw)
    if not isinstance(raw, str):
        return None
    text = raw.strip().lower()
    if text == "today":
        return DateBound(text)
    match = DATE_BOUND.fullmatch(text.replace(" ", ""))
    if match is not None:
        count = int(match["n"]) * (-1 if match["sign"] == "-" else 1)
        unit = match["unit"]
        if unit in "dw":
            return DateBound(text, days=count * (7 if unit == "w" else 1))
        if unit == "m":
            return DateBound(text, months=count)
        return DateBound(text, years=count)
    try:
        return DateBound(text, fixed=date.fromisoformat(text))
    except ValueError:
        return None


def _read_date_bounds(table: Table) -> dict[str, Any]:
    bounds: dict[str, DateBound | None] = {}
    for key, name in (("min", "earliest"), ("max", "latest")):
        raw = table.raw(key)
        bound = read_date_bound(raw) if raw is not None else None
        if raw is not None and bound is None:
            table.problem(f"{DATE_BOUND_RULE}, not {raw!r}", key)
        bounds[name] = bound
    low, high = bounds["earliest"], bounds["latest"]
    probe = date(2026, 6, 15)  # a mid-month day: "+30d" and "+1m" are the same there
    if low is not None and high is not None and low.on(probe) > high.on(probe):
        table.problem(f"({low.text}) is later than 'max' ({high.text})", "min")
    return bounds


def _read_bounds(table: Table, ftype: str | None) -> dict[str, Any]:
    if ftype == "date":
        for key in ("min_length", "max_length"):
            if table.has(key):
                table.problem("only applies to text fields", key)
        return {"min": None, "max": None, "min_length": None, "max_length": None,
                **_read_date_bounds(table)}
    numeric = {"min": table.number("min"), "max": table.number("max")}
    lengths = {"min_length": table.integer("min_length", minimum=0),
               "max_length": table.integer("max_length", minimum=0)}
    groups = ((numeric, NUMERIC, "number, money and date"), (lengths, ("text",), "text"))
    for keys, types, applies in groups:
        if ftype is not None and ftype not in types:
            for key in keys:
                if table.has(key):
                    table.problem(f"only applies to {applies} fields", key)
    _check_order(table, numeric["min"], numeric["max"], "min", "max")
    _check_order(table, lengths["min_length"], lengths["max_length"], "min_length", "max_length")
    return {**numeric, **lengths}


def _check_order(table: Table, low: Decimal | int | None, high: Decimal | int | None,
                 low_key: str, high_key: str) -> None:
    if low is not None and high is not None and low > high:
        table.problem(f"({low}) is more than '{high_key}' ({high})", low_key)
