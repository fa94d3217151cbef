"""Field types: read one chat answer for one field, store it as JSON, show it to people.

The public facade over ``dialogs.parsing``. Value types after parsing:

======================  =====================================================
money                   ``Decimal`` quantized to 0.01
number                  ``Decimal`` (``Decimal("3")``, ``Decimal("2.5")``; at most 2 decimals)
date                    ``datetime.date``
bool                    ``bool``
choice                  the option's ``value``
multichoice             ``tuple[str, ...]`` of option values, in option order, no duplicates
user                    the person's directory id
text                    ``str`` as typed (control characters removed, spaces tidied; no NFKC)
======================  =====================================================

``parse_answer`` never raises: whatever was typed, it returns ``Parsed`` or ``Invalid`` with a
reason in both languages that says what to type instead.
"""

from __future__ import annotations

import logging
from datetime import date

from dialogs.model import FieldDef
from dialogs.parsing.amounts import parse_money, parse_number
from dialogs.parsing.booleans import parse_bool
from dialogs.parsing.choices import parse_choice, parse_multichoice
from dialogs.parsing.dates import parse_date_field
from dialogs.parsing.people import parse_user
from dialogs.parsing.result import Invalid, Parsed, invalid
from dialogs.parsing.text import parse_text
from dialogs.parsing.values import display_value, value_from_json, value_to_json
from org.model import Directory

__all__ = [
    "Invalid",
    "Parsed",
    "display_value",
    "parse_answer",
    "value_from_json",
    "value_to_json",
]
log = logging.getLogger(__name__)


def parse_answer(
    field: FieldDef, text: str, *, today: date, directory: Directory | None = None
) -> Parsed | Invalid:
    """Read ``text`` as the answer to ``field``."""
    try:
        return _parse(field, text if isinstance(text, str) else "", today, directory)
    except Exception:  # a parser bug must cost one re-ask, never the conversation
        log.exception("parsing an answer for field %s (%s) failed", field.id, field.type)
        return invalid("parse.unreadable")


def _parse(
    field: FieldDef, text: str, today: date, directory: Directory | None
) -> Parsed | Invalid:
    kind = field.type
    if kind == "money":
        return parse_money(field, text)
    if kind == "number":
        return parse_number(field, text)
    if kind == "date":
        return parse_date_field(field, text, today)
    if kind == "bool":
        return parse_bool(text)
    if kind == "choice":
        return parse_choice(field, text)
    if kind == "multichoice":
        return parse_multichoice(field, text)
    if kind == "user":
        return parse_user(text, directory)
    return parse_text(field, text)
