"""Reading the ``[[check]]`` tables of a service package: rules across fields, checked before
the confirmation card. ``when`` says when the answers are wrong, ``message`` what to tell the
person, ``field`` which answer to ask again (by default the last field ``when`` names)."""

from __future__ import annotations

from typing import Any

from dialogs.loader_fields import Fields, read_when
from dialogs.model import CheckDef
from org.toml_tables import Report, Table

CHECK_KEYS = ("when", "message", "field")


def read_checks(top: Table, fields: Fields) -> tuple[CheckDef, ...]:
    checks = (_read_check(raw, top.report, n, fields)
              for n, raw in enumerate(top.tables("check"), 1))
    return tuple(check for check in checks if check is not None)


def _read_check(raw: dict[str, Any], report: Report, number: int, fields: Fields
                ) -> CheckDef | None:
    table = Table(raw, report, f"check #{number}", CHECK_KEYS)
    if table.text("when", required=True) is None:
        table.i18n("message", required=True)
        return None
    problems_before = len(report.problems)
    when = read_when(table, fields)
    message = table.i18n("message", required=True)
    if when is None or len(report.problems) > problems_before:
        return None
    named = [fid for fid in fields.ids() if fid in when.names]
    if not named:
        table.problem("names no field of this service; a check compares answers", "when")
        return None
    asked_again = table.text("field") or named[-1]
    if asked_again not in fields.ids():
        table.problem(f"{asked_again!r} is not a field of this service", "field")
        return None
    if message is None:
        return None
    return CheckDef(when=when, message=message, field=asked_again)
