"""Static checks of a ``when`` tree against the types of the fields it names.

Types are the field types of CATALOG.md plus ``list`` (``requester.roles``). A name whose type
is not known is not checked (the loader reports unknown names itself).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from datetime import date
from decimal import Decimal

from dialogs.expr_syntax import And, Compare, ListOf, Literal, Name, Node, Not, Or

NUMERIC = frozenset({"number", "money"})
_ORDERED = NUMERIC | {"date"}
_CONTAINERS = frozenset({"multichoice", "list", "text"})
_NOT_CONDITIONS = frozenset({"number", "money", "date", "choice", "user"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Checker:
    def __init__(self, types: Mapping[str, str], options: Mapping[str, Set[str]]) -> None:
        self.types = types
        self.options = options
        self.errors: list[str] = []

    def condition(self, node: Node) -> None:
        """``node`` is used as a yes/no condition."""
        if isinstance(node, Not):
            self.condition(node.operand)
        elif isinstance(node, And | Or):
            for operand in node.operands:
                self.condition(operand)
        elif isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, Name):
            kind = self.types.get(node.name)
            if kind in _NOT_CONDITIONS:
                self.errors.append(f"'{node.name}' is {_a(kind)}, not a yes/no condition; "
                                   f"compare it with something")
        elif isinstance(node, Literal | ListOf) and not _is_bool_literal(node):
            self.errors.append(f"{_show(node)} is not a yes/no condition")

    def compare(self, node: Compare) -> None:
        for side in (node.left, node.right):
            if isinstance(side, Not | And | Or | Compare):
                self.condition(side)
        if node.op in ("in", "not in"):
            self.membership(node)
        elif node.op in ("==", "!="):
            if not self.equality(node.left, node.right):
                self.equality(node.right, node.left)
        else:
            self.ordering(node)

    def ordering(self, node: Compare) -> None:
        for side in (node.left, node.right):
            kind = self.kind(side)
            if kind is not None and kind not in _ORDERED and kind != "string":
                self.errors.append(f"'{node.op}' needs numbers or dates, but {_show(side)} "
                                   f"is {_a(kind)}")
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if self.kind(side) == "date":
                self.date_literal(other, side)
            self.numeric_against_string(side, other)

    def equality(self, name: Node, value: Node) -> bool:
        """Checks ``name == value``; True when ``name`` was a field it could check."""
        kind = self.kind(name)
        if not isinstance(name, Name) or kind is None:
            return False
        if isinstance(value, ListOf):
            self.errors.append(f"use 'in' to test whether '{name.name}' is one of a list")
        elif kind == "multichoice" and isinstance(value, Literal):
            self.errors.append(f"'{name.name}' holds several choices; "
                               f"write {_show(value)} in {name.name}")
        elif isinstance(value, Literal):
            self.value_of(name, kind, value)
        return True

    def membership(self, node: Compare) -> None:
        container, kind = node.right, self.kind(node.right)
        if isinstance(container, ListOf):
            if isinstance(node.left, Name) and (left_kind := self.kind(node.left)):
                for item in container.items:
                    self.value_of(node.left, left_kind, item)
            return
        if kind is None:
            return
        if kind not in _CONTAINERS:
            self.errors.append(f"'{node.op}' needs a list on its right, but {_show(container)} "
                               f"is {_a(kind)}")
        elif isinstance(container, Name) and isinstance(node.left, Literal):
            if kind == "multichoice":
                self.option(container.name, node.left)
            elif not isinstance(node.left.value, str) or isinstance(node.left.value, bool):
                self.errors.append(f"{_show(node.left)} can never be in '{container.name}', "
                                   f"which holds texts")

    def value_of(self, name: Name, kind: str, value: Literal) -> None:
        """``value`` is compared with field ``name`` of type ``kind``."""
        if kind in ("choice", "multichoice"):
            self.option(name.name, value)
        elif kind == "bool" and not isinstance(value.value, bool):
            self.errors.append(f"'{name.name}' is yes/no; compare it with true or false, "
                               f"not {_show(value)}")
        elif kind in NUMERIC:
            self.numeric_against_string(name, value)
        elif kind == "date":
            self.date_literal(value, name)

    def option(self, name: str, value: Literal) -> None:
        allowed = self.options.get(name)
        text = _plain(value.value)
        if allowed is not None and text not in allowed:
            self.errors.append(f"{_show(value)} is not an option of '{name}' "
                               f"(options: {', '.join(sorted(allowed))})")

    def numeric_against_string(self, side: Node, other: Node) -> None:
        kind = self.kind(side)
        if kind in NUMERIC and isinstance(other, Literal) and not _is_number(other):
            self.errors.append(f"{_show(side)} is {_a(kind)}; compare it with a number, "
                               f"not {_show(other)}")

    def date_literal(self, value: Node, date_side: Node) -> None:
        """``value`` is compared with the date ``date_side``: it must be a date too."""
        if self.kind(value) in NUMERIC and isinstance(value, Name):
            self.errors.append(f"{_show(date_side)} is a date and cannot be compared with "
                               f"{_show(value)}, which is {_a(self.kind(value))}")
            return
        if not isinstance(value, Literal):
            return
        text = value.value
        if not isinstance(text, str) or not _ISO_DATE.fullmatch(text) or not _valid_date(text):
            self.errors.append(f"{_show(date_side)} is a date; compare it with a date written "
                               f"'YYYY-MM-DD', not {_show(value)}")

    def kind(self, node: Node) -> str | None:
        if isinstance(node, Name):
            return self.types.get(node.name)
        if isinstance(node, Literal):
            if isinstance(node.value, bool):
                return "bool"
            return "number" if isinstance(node.value, Decimal) else "string"
        if isinstance(node, ListOf):
            return "list"
        return "bool"


def type_errors(
    root: Node, types: Mapping[str, str], options: Mapping[str, Set[str]] | None = None
) -> list[str]:
    """Human messages for every type error in the tree; empty when it is fine."""
    checker = _Checker(types, options or {})
    checker.condition(root)
    return list(dict.fromkeys(checker.errors))


def _is_bool_literal(node: Node) -> bool:
    return isinstance(node, Literal) and isinstance(node.value, bool)


def _is_number(node: Literal) -> bool:
    return isinstance(node.value, Decimal)


def _plain(value: Decimal | str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _show(node: Node) -> str:
    if isinstance(node, Name):
        return f"'{node.name}'"
    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return _plain(node.value)
        return str(node.value) if isinstance(node.value, Decimal) else repr(node.value)
    if isinstance(node, ListOf):
        return "[" + ", ".join(_show(item) for item in node.items) + "]"
    return "a condition"


def _a(kind: str | None) -> str:
    names = {"bool": "yes/no", "list": "a list", "string": "a string", "user": "a person",
             "money": "money", "text": "a text", "multichoice": "a multichoice",
             "date": "a date", "number": "a number", "choice": "a choice"}
    return names.get(kind or "", f"a {kind}")

