"""Properties of answer parsing: it never raises, and values survive text, JSON and display."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.fieldtypes import (
    Invalid,
    Parsed,
    display_value,
    parse_answer,
    value_from_json,
    value_to_json,
)
from dialogs.model import FieldDef
from tests.unit.builders import directory, field, money, options

TODAY = date(2026, 11, 23)
MONEY = money(low=None, high=None)
NUMBER = field("n", "number")
DAY = field("day", "date")
MODEL = field("model", "choice", options=options(("std", "标准办公本", "Standard"),
                                                 ("pro", "高性能本", "Performance")))
EXTRAS = field("extras", "multichoice", options=options(
    ("mouse", "鼠标", "Mouse"), ("dock", "扩展坞", "Docking station"), ("bag", "电脑包", "Bag")))
EVERY_TYPE = [MONEY, NUMBER, DAY, field("b", "bool"), MODEL, EXTRAS, field("u", "user"),
              field("t", "text", min_length=2, max_length=50)]
AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                      allow_infinity=False)
DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
NASTY = st.one_of(
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９一二两三千万亿零十百.,，、¥元块kw -/年月日号周"
            "下星期天后"),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "So", "Lo"))),
    st.text(min_size=1000, max_size=5000),
)


@settings(max_examples=300)
@given(text=NASTY, which=st.integers(min_value=0, max_value=len(EVERY_TYPE) - 1))
def test_parse_answer_never_raises(text: str, which: int) -> None:
    result = parse_answer(EVERY_TYPE[which], text, today=TODAY, directory=directory())
    assert isinstance(result, Parsed | Invalid)
    if isinstance(result, Invalid):
        assert result.reason.zh and result.reason.en


@given(amount=AMOUNTS)
def test_money_written_any_way_reads_back(amount: Decimal) -> None:
    for text in (str(amount), f"¥{amount:,}", f"{amount}元", f"CNY {amount:,}", f"{amount} yuan"):
        assert parse_answer(MONEY, text, today=TODAY) == Parsed(amount), text


@given(amount=AMOUNTS)
def test_money_survives_json_and_display(amount: Decimal) -> None:
    stored = value_to_json(MONEY, amount)
    assert isinstance(stored, int | float)
    assert value_from_json(MONEY, stored) == amount
    for locale in ("zh", "en"):
        shown = display_value(MONEY, amount, locale)
        assert parse_answer(MONEY, shown, today=TODAY) == Parsed(amount)


@given(number=AMOUNTS)
def test_numbers_survive_json(number: Decimal) -> None:
    assert value_from_json(NUMBER, value_to_json(NUMBER, number)) == number


@given(day=DATES)
def test_dates_written_any_way_read_back(day: date) -> None:
    month = day.strftime("%b")
    texts = (day.isoformat(), f"{day.year}/{day.month}/{day.day}",
             f"{day.year}年{day.month}月{day.day}日", f"{day.day} {month} {day.year}",
             f"{day.strftime('%B')} {day.day}, {day.year}",
             display_value(DAY, day, "zh"), display_value(DAY, day, "en"))
    for text in texts:
        assert parse_answer(DAY, text, today=TODAY) == Parsed(day), text


@given(day=DATES)
def test_dates_survive_json(day: date) -> None:
    assert value_from_json(DAY, value_to_json(DAY, day)) == day


@given(month_day=st.dates(min_value=date(2028, 1, 1), max_value=date(2028, 12, 31)),
       today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_a_date_without_year_is_at_most_180_days_ago(month_day: date, today: date) -> None:
    result = parse_answer(DAY, f"{month_day.month}月{month_day.day}日", today=today)
    if isinstance(result, Parsed):
        assert (today - result.value).days <= 180
        assert (result.value.month, result.value.day) == (month_day.month, month_day.day)
    else:  # only 2月29日 in a year without it
        assert (month_day.month, month_day.day) == (2, 29)


@given(picked=st.sets(st.sampled_from(["mouse", "dock", "bag"]), min_size=1))
def test_multichoice_survives_json_and_display(picked: set[str]) -> None:
    value = tuple(v for v in ("mouse", "dock", "bag") if v in picked)
    assert value_from_json(EXTRAS, value_to_json(EXTRAS, value)) == value
    for locale in ("zh", "en"):
        shown = display_value(EXTRAS, value, locale)
        assert parse_answer(EXTRAS, shown, today=TODAY) == Parsed(value)


@given(value=st.one_of(st.booleans(), st.sampled_from(["std", "pro"]), st.text()))
def test_other_values_survive_json(value: object) -> None:
    fdef: FieldDef = {bool: field("b", "bool"), str: field("t", "text")}[type(value)]
    if isinstance(value, str) and value in ("std", "pro"):
        fdef = MODEL
    assert value_from_json(fdef, value_to_json(fdef, value)) == value
