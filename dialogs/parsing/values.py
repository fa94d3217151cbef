"""Parsed values in storage (JSON) and in front of people (display)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chat.i18n import say
from dialogs.model import FieldDef
from dialogs.parsing.amounts import CENT, plain
from org.model import Directory


def value_to_json(field: FieldDef, value: Any) -> Any:
    """money/number -> int when integral, else float rounded to 2 decimals; date -> ISO text;
    multichoice -> list; everything else as it is. ``None`` stays ``None``."""
    if value is None:
        return None
    if field.type in ("money", "number"):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(round(number, 2))
    if field.type == "date":
        return value.isoformat()
    if field.type == "multichoice":
        return list(value)
    return value


def value_from_json(field: FieldDef, raw: Any) -> Any:
    """The inverse of ``value_to_json``; raises ValueError on data that was not written by it."""
    if raw is None:
        return None
    if field.type == "money":
        return Decimal(str(raw)).quantize(CENT)
    if field.type == "number":
        return Decimal(str(raw))
    if field.type == "date":
        return date.fromisoformat(str(raw))
    if field.type == "multichoice":
        return tuple(str(v) for v in raw)
    if field.type == "bool":
        return bool(raw)
    return raw


def display_value(
    field: FieldDef, value: Any, locale: str, directory: Directory | None = None
) -> str:
    """The value as a person reads it, in ``locale`` ("zh" or "en")."""
    if value is None:
        return ""
    if field.type == "money":
        return say("value.money", locale, amount=plain(Decimal(value).quantize(CENT)))
    if field.type == "number":
        return plain(Decimal(value).normalize() if Decimal(value) == int(value) else Decimal(value))
    if field.type == "date":
        return display_date(value, locale)
    if field.type == "bool":
        return say("dlg.yes" if value else "dlg.no", locale)
    if field.type == "choice":
        return _label(field, str(value), locale)
    if field.type == "multichoice":
        return say("fmt.list_sep", locale).join(_label(field, str(v), locale) for v in value)
    if field.type == "user":
        person = directory.person(str(value)) if directory else None
        return person.name if person else str(value)
    return str(value)


def display_date(day: date, locale: str) -> str:
    """``2026年12月2日（周三）`` / ``Wed 2 Dec 2026``."""
    weekday = say("value.weekdays", locale).split()[day.weekday()]
    month = say("value.months", locale).split()[day.month - 1]
    return say("value.date", locale, year=day.year, month=month, day=day.day, weekday=weekday)


def short_date(day: date, locale: str) -> str:
    """A day without its year or weekday, the way people write it: ``12月9日`` / ``Dec 9``."""
    month = say("value.months", locale).split()[day.month - 1]
    return say("values.month_day", locale, month=month, day=day.day)


def _label(field: FieldDef, value: str, locale: str) -> str:
    option = next((o for o in field.options if o.value == value), None)
    return option.label.get(locale) if option else value
