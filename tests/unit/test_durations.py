"""Durations in service packages: wall clock ``30s 15m 4h 2d``, business ``4bh 2bd``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from org.durations import UNITS, parse_duration
from org.model import Duration


@pytest.mark.parametrize(
    ("text", "expected", "business"),
    [
        ("30s", Duration(30, "s"), False),
        ("15m", Duration(15, "m"), False),
        ("4h", Duration(4, "h"), False),
        ("2d", Duration(2, "d"), False),
        ("4bh", Duration(4, "bh"), True),
        ("2bd", Duration(2, "bd"), True),
        (" 8h ", Duration(8, "h"), False),
    ],
)
def test_a_duration_is_read_with_its_unit(text: str, expected: Duration, business: bool) -> None:
    duration = parse_duration(text)
    assert duration == expected
    assert duration.business is business
    assert str(duration) == text.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0h", "more than zero"),
        ("-1d", "more than zero"),
        ("1.5h", "whole number"),
        ("2w", "unknown unit 'w'"),
        ("", "not a duration"),
        ("h", "not a duration"),
        ("4", "no unit"),
        ("4 h", "not a duration"),
        ("+4h", "not a duration"),
        ("4H", "not a duration"),
        ("四小时", "not a duration"),
    ],
)
def test_a_bad_duration_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


def test_a_duration_that_is_not_text_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_duration(4)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(UNITS))
def test_every_positive_amount_and_unit_round_trips(amount: int, unit: str) -> None:
    assert str(parse_duration(f"{amount}{unit}")) == f"{amount}{unit}"


@given(st.text(max_size=12))
def test_anything_else_is_a_duration_or_a_value_error(text: str) -> None:
    try:
        duration = parse_duration(text)
    except ValueError:
        return
    assert duration.amount > 0 and duration.unit in UNITS
