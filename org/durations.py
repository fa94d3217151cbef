"""Durations as written in service packages: ``30s 15m 4h 2d`` wall clock, ``4bh 2bd`` business."""

from __future__ import annotations

import re
from typing import cast

from org.model import Duration, DurationUnit

UNITS: tuple[DurationUnit, ...] = ("s", "m", "h", "d", "bh", "bd")
_SHAPE = re.compile(r"(-?[0-9]+(?:\.[0-9]*)?)([a-z]*)")
_EXAMPLES = "e.g. 30s, 15m, 4h, 2d, or business time 4bh, 2bd"


def parse_duration(text: str) -> Duration:
    """Read ``text`` such as ``4bh``; raises ``ValueError`` saying what is wrong with it."""
    if not isinstance(text, str):
        raise ValueError(f"a duration must be a string ({_EXAMPLES}), not {type(text).__name__}")
    match = _SHAPE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration ({_EXAMPLES})")
    number, unit = match.groups()
    if unit not in UNITS:
        raise ValueError(f"{text!r} has an unknown unit {unit!r} (units: {', '.join(UNITS)})"
                         if unit else f"{text!r} has no unit ({_EXAMPLES})")
    if number.startswith("-") or (number.isdigit() and int(number) == 0):
        raise ValueError(f"{text!r} must be more than zero")
    if not number.isdigit():
        raise ValueError(f"{text!r} must be a whole number of {unit} ({_EXAMPLES})")
    return Duration(int(number), cast(DurationUnit, unit))
