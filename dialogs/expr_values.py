"""What ``when`` comparisons mean on real answers: forgiving, and never raising.

- A missing answer is ``None``: every comparison with it is false, except ``!=`` and ``not in``.
- Numbers compare as ``Decimal``: ints, floats, Decimals and numeric strings alike.
- A date compares with a date or an ISO ``'YYYY-MM-DD'`` string.
- ``x in list`` is membership; ``'ab' in text`` is a substring test.
- A comparison that makes no sense for the values (``'abc' < 5``) is false.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_NUMERIC = re.compile(r"-?\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_COLLECTIONS = (list, tuple, set, frozenset)
_SAFE = (TypeError, ValueError, ArithmeticError)


def compare(op: str, left: Any, right: Any) -> bool:
    """``left op right`` for one of ``== != < <= > >= in`` or ``not in``; never raises."""
    try:
        return _compare(op, left, right)
    except _SAFE:
        return False


def truthy(value: Any) -> bool:
    """A value used as a condition on its own: a yes, a number other than 0, a non-empty text."""
    try:
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str):
            return bool(value.strip())
        return bool(value)
    except _SAFE:
        return False


def as_decimal(value: Any) -> Decimal | None:
    """The number in ``value``, or None when it is not one (a bool is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        return Decimal(value.strip())
    return None


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return date.fromisoformat(value.strip())
    return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in ("in", "not in"):
        found = left is not None and _contains(right, left)
        return not found if op == "not in" else found
    if left is None or right is None:
        return op == "!="
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    return _ordered(op, left, right)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    numbers = as_decimal(left), as_decimal(right)
    if numbers[0] is not None and numbers[1] is not None:
        return numbers[0] == numbers[1]
    if isinstance(left, date) or isinstance(right, date):
        dates = as_date(left), as_date(right)
        return dates[0] is not None and dates[0] == dates[1]
    if isinstance(left, _COLLECTIONS) and isinstance(right, _COLLECTIONS):
        return list(left) == list(right) or set(left) == set(right)
    return type(left) is type(right) and bool(left == right)


def _ordered(op: str, left: Any, right: Any) -> bool:
    numbers = as_decimal(left), as_decimal(right)
    if numbers[0] is not None and numbers[1] is not None:
        return _ORDER[op](numbers[0], numbers[1])
    if isinstance(left, date) or isinstance(right, date):
        dates = as_date(left), as_date(right)
        return dates[0] is not None and dates[1] is not None and _ORDER[op](dates[0], dates[1])
    if isinstance(left, str) and isinstance(right, str):
        return _ORDER[op](left, right)
    return False


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, _COLLECTIONS):
        return any(_equal(item, element) for element in container)
    return False
