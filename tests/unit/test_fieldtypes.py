"""Reading one chat answer per field type: input -> value, or a reason to ask again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dialogs.fieldtypes import (
    Invalid,
    Parsed,
    display_value,
    parse_answer,
    value_from_json,
    value_to_json,
)
from dialogs.model import FieldDef
from tests.unit.builders import EXPENSE, LAPTOP, directory, field, money, options

TODAY = date(2026, 11, 23)  # a Monday
AMOUNT = money()  # 1 .. 50,000
COUNT = field("count", "number", "几台？", "How many?", min=Decimal(1), max=Decimal(100))
DAY = field("day", "date", "哪天？", "Which day?")
FLAG = field("gpu", "bool", "需要独显吗？", "GPU?")
MODEL = LAPTOP.fields[0]
CATEGORY = EXPENSE.fields[0]
EXTRAS = field("extras", "multichoice", "配件？", "Extras?", options=options(
    ("mouse", "鼠标", "Mouse"), ("dock", "扩展坞", "Docking station"), ("bag", "电脑包", "Bag"),
))
OWNER = field("owner", "user", "谁负责？", "Who owns it?")
REASON = field("reason", "text", "原因？", "Why?", min_length=4, max_length=20)
NOTE = field("note", "text", "备注？", "Note?")
BAD = "bad"  # expected: Invalid


def parse(fdef: FieldDef, text: str) -> Parsed | Invalid:
    return parse_answer(fdef, text, today=TODAY, directory=directory())


CASES: list[tuple[FieldDef, str, Any]] = [
    # money: digits, separators, currency, Chinese and English multipliers and numerals
    *((AMOUNT, text, Decimal("8000.00")) for text in (
        "8000", "8,000", "￥8000", "¥8000", "8000元", "8000块", "8000块钱", "8千", "8k", "8K",
        "CNY 8000", "RMB8000", "rmb 8000", "8000 yuan", "８０００", "８，０００元", " 8000 ",
        "8000.00", "预算8000", "大概8000左右", "一共8000元", "8 thousand", "eight thousand",
        "八千", "捌仟", "8000。",
    )),
    (AMOUNT, "¥8,000.50", Decimal("8000.50")),
    (AMOUNT, "1.5万", Decimal("15000.00")),
    (AMOUNT, "1.5w", Decimal("15000.00")),
    (AMOUNT, "两千", Decimal("2000.00")),
    (AMOUNT, "三千五", Decimal("3500.00")),
    (AMOUNT, "一万二", Decimal("12000.00")),
    (AMOUNT, "1万2", Decimal("12000.00")),
    (AMOUNT, "一万零五百", Decimal("10500.00")),
    (AMOUNT, "两百五十", Decimal("250.00")),
    (AMOUNT, "十五", Decimal("15.00")),
    (AMOUNT, "0.5万", Decimal("5000.00")),
    (AMOUNT, "1", Decimal("1.00")),
    (AMOUNT, "50000", Decimal("50000.00")),
    *((AMOUNT, text, BAD) for text in (
        "", "   ", "很贵的那种", "-500", "负500", "0", "0.5", "50000.01", "99999", "8000.555",
        "8000 or 9000", "8000或9000", "8000,9000", "8,00,0", "$8000", "8000美元", "100 usd",
        "🙂", "\x00\x07", "2026-12-01", "3天", "abc", "万一", "千万别", "8" * 400,
    )),
    # number
    (COUNT, "3", Decimal(3)),
    (COUNT, "3个", Decimal(3)),
    (COUNT, "3 units", Decimal(3)),
    (COUNT, "三", Decimal(3)),
    (COUNT, "十二台", Decimal(12)),
    (COUNT, "three", Decimal(3)),
    (COUNT, "twenty-five", Decimal(25)),
    (COUNT, "2.5", Decimal("2.5")),
    (COUNT, "３", Decimal(3)),
    *((COUNT, text, BAD) for text in ("", "0", "101", "-3", "1.234", "3 or 4", "some", "🙂")),
    # date
    *((DAY, text, date(2026, 12, 1)) for text in (
        "2026-12-01", "2026/12/1", "2026.12.1", "2026年12月1日", "2026年12月1号", "12月1日",
        "12月1号", "十二月一日", "12-01", "12/1", "Dec 1", "dec 1st", "1 Dec", "December 1, 2026",
        "1 December 2026", "on Dec 1", "2026年12月1日（周二）", "Tue 1 Dec 2026",
        "２０２６－１２－０１", "12.1",  # a dotted month.day is a date where a date is asked
    )),
    (DAY, "今天", TODAY),
    (DAY, "today", TODAY),
    (DAY, "明天", date(2026, 11, 24)),
    (DAY, "tomorrow", date(2026, 11, 24)),
    (DAY, "后天", date(2026, 11, 25)),
    (DAY, "大后天", date(2026, 11, 26)),
    (DAY, "昨天", date(2026, 11, 22)),
    (DAY, "yesterday", date(2026, 11, 22)),
    (DAY, "下周一", date(2026, 11, 30)),
    (DAY, "下星期三", date(2026, 12, 2)),
    (DAY, "下周日", date(2026, 12, 6)),
    (DAY, "next monday", date(2026, 11, 30)),
    (DAY, "Next Friday", date(2026, 12, 4)),
    (DAY, "周五", date(2026, 11, 27)),
    (DAY, "星期五", date(2026, 11, 27)),
    (DAY, "礼拜五", date(2026, 11, 27)),
    (DAY, "friday", date(2026, 11, 27)),
    (DAY, "周一", TODAY),  # today is Monday: a bare weekday includes today
    (DAY, "monday", TODAY),
    (DAY, "这周日", date(2026, 11, 29)),
    (DAY, "in 3 days", date(2026, 11, 26)),
    (DAY, "3天后", date(2026, 11, 26)),
    (DAY, "三天后", date(2026, 11, 26)),
    (DAY, "两周后", date(2026, 12, 7)),
    (DAY, "in a week", date(2026, 11, 30)),
    (DAY, "1月5日", date(2027, 1, 5)),  # month-day in the past by > 180 days: next year
    (DAY, "5月1日", date(2027, 5, 1)),
    (DAY, "7月1日", date(2026, 7, 1)),  # 145 days ago: still this year
    *((DAY, text, BAD) for text in (
        "", "2026-02-30", "2月30日", "13月1日", "hello", "12.32", "明天或后天", "🙂", "x" * 10_000,
    )),
    # bool
    *((FLAG, text, True) for text in (
        "是", "是的", "对", "需要", "要", "有", "好", "好的", "可以", "yes", "Y", "true", "OK",
        "sure", "Yes!", "需要的", "yes, please",
    )),
    *((FLAG, text, False) for text in (
        "否", "不", "不是", "不用", "不需要", "不要", "没有", "no", "N", "false", "nope",
        "no thanks", "不需要独显", "不用了",
    )),
    *((FLAG, text, BAD) for text in ("", "也许", "maybe", "🙂", "1")),
    # choice
    *((MODEL, text, "pro") for text in (
        "2", "２", "第2个", "第二个", "2号", "pro", "PRO", "Performance", "performance",
        "高性能本", "高性能", "perf", "performence", "second", "the 2nd one", "option 2",
    )),
    *((MODEL, text, "std") for text in ("1", "std", "Standard", "标准办公本", "标准", "standrad")),
    *((CATEGORY, text, "meals")
      for text in ("餐费/招待费", "餐费", "招待费", "Meals", "entertainment")),
    *((MODEL, text, BAD) for text in ("", "3", "0", "本", "laptop", "🙂", "1 or 2", "x" * 5000)),
    # multichoice
    (EXTRAS, "1,3", ("mouse", "bag")),
    (EXTRAS, "3，1", ("mouse", "bag")),
    (EXTRAS, "1 3", ("mouse", "bag")),
    (EXTRAS, "鼠标、电脑包", ("mouse", "bag")),
    (EXTRAS, "鼠标和扩展坞", ("mouse", "dock")),
    (EXTRAS, "mouse and docking station", ("mouse", "dock")),
    (EXTRAS, "bag; mouse; bag", ("mouse", "bag")),
    (EXTRAS, "扩展坞", ("dock",)),
    (EXTRAS, "全部", ("mouse", "dock", "bag")),
    *((EXTRAS, text, BAD) for text in ("", "1,5", "鼠标、键盘", "🙂")),
    # user
    (OWNER, "carol", "carol"),
    (OWNER, "@carol", "carol"),
    (OWNER, "Carol", "carol"),
    (OWNER, "王小丽", "alice"),
    (OWNER, "小丽", "alice"),
    (OWNER, "carol chen", "carol"),
    (OWNER, "Carl Chen", "carol"),
    (OWNER, "<@U01ALICE>", "alice"),
    *((OWNER, text, BAD) for text in ("", "nobody", "张", "王小里", "🙂")),
    # text
    (REASON, "  旧电脑坏了  ", "旧电脑坏了"),
    (REASON, "my old one broke", "my old one broke"),
    (REASON, "旧电\x00脑坏了", "旧电 脑坏了"),
    (NOTE, "无", "无"),
    (NOTE, "第一行\n第二行", "第一行\n第二行"),
    *((REASON, text, BAD) for text in ("", "   ", "\x00\x01\x02", "坏", "长" * 21)),
    (NOTE, "长" * 10_000, BAD),
]


@pytest.mark.parametrize(("fdef", "text", "expected"), CASES,
                         ids=[f"{f.type}:{t[:20]!r}" for f, t, _ in CASES])
def test_parse_answer(fdef: FieldDef, text: str, expected: Any) -> None:
    result = parse(fdef, text)
    if expected == BAD:
        assert isinstance(result, Invalid), result
        assert result.reason.zh and result.reason.en
    else:
        assert result == Parsed(expected)
        assert type(result.value) is type(expected)


REASONS = [
    (AMOUNT, "很贵的那种", "金额需要是数字，例如 8000、8千 或 ¥8,000.50。",
     "The amount must be a number, e.g. 8000, 8k or ¥8,000.50."),
    (AMOUNT, "0", "不能少于 ¥1。", "It must be at least CNY 1."),
    (AMOUNT, "99999", "不能超过 ¥50,000。", "It must be at most CNY 50,000."),
    (COUNT, "101", "不能超过 100。", "It must be at most 100."),
    (MODEL, "5", "请选择 1-2 之间的编号，或直接输入选项名称：标准办公本、高性能本。",
     "Please pick a number from 1 to 2, or type an option: Standard, Performance."),
    (REASON, "坏", "请至少写 4 个字。", "Please write at least 4 characters."),
]


@pytest.mark.parametrize(("fdef", "text", "zh", "en"), REASONS)
def test_reasons_say_what_to_type(fdef: FieldDef, text: str, zh: str, en: str) -> None:
    result = parse(fdef, text)
    assert isinstance(result, Invalid)
    assert (result.reason.zh, result.reason.en) == (zh, en)


@pytest.mark.parametrize(("text", "needle"), [
    ("8000 or 9000", "一个"), ("8000.555", "两位小数"), ("$8000", "人民币"), ("-5", "负数"),
])
def test_money_reasons_are_specific(text: str, needle: str) -> None:
    result = parse(AMOUNT, text)
    assert isinstance(result, Invalid) and needle in result.reason.zh


def test_invalid_date_names_the_day() -> None:
    result = parse(DAY, "2026-02-30")
    assert isinstance(result, Invalid) and "2026-02-30" in result.reason.zh


def test_ambiguous_fuzzy_choice_lists_the_close_options() -> None:
    two = field("size", "choice", options=options(("s", "小号会议室", "Small room"),
                                                  ("l", "大号会议室", "Large room")))
    result = parse(two, "会议室")
    assert isinstance(result, Invalid)
    assert "小号会议室" in result.reason.zh and "Large room" in result.reason.en


def test_unknown_person_suggests_close_names() -> None:
    result = parse(OWNER, "张伟")  # exact name wins over the longer 张伟华
    assert result == Parsed("dave")
    result = parse(OWNER, "Frank Lee")  # close, but not close enough to guess
    assert isinstance(result, Invalid) and "Frank Li (frank)" in result.reason.en
    result = parse(OWNER, "王小里")
    assert isinstance(result, Invalid) and "王小丽" in result.reason.zh


def test_user_without_a_directory_accepts_an_id() -> None:
    assert parse_answer(OWNER, "@carol", today=TODAY) == Parsed("carol")
    assert isinstance(parse_answer(OWNER, "王小丽", today=TODAY), Invalid)


def test_number_without_bounds_rejects_only_negatives() -> None:
    free = field("n", "number")
    assert parse(free, "0") == Parsed(Decimal(0))
    assert isinstance(parse(free, "-1"), Invalid)


DISPLAY = [
    (AMOUNT, Decimal("8000"), "¥8,000.00", "CNY 8,000.00"),
    (AMOUNT, Decimal("1234567.5"), "¥1,234,567.50", "CNY 1,234,567.50"),
    (COUNT, Decimal("3"), "3", "3"),
    (COUNT, Decimal("2.50"), "2.50", "2.50"),
    (DAY, date(2026, 12, 1), "2026年12月1日（周二）", "Tue 1 Dec 2026"),
    (FLAG, True, "是", "Yes"),
    (FLAG, False, "否", "No"),
    (MODEL, "pro", "高性能本", "Performance"),
    (MODEL, "gone", "gone", "gone"),
    (EXTRAS, ("mouse", "bag"), "鼠标、电脑包", "Mouse, Bag"),
    (OWNER, "alice", "王小丽", "王小丽"),
    (OWNER, "ghost", "ghost", "ghost"),
    (NOTE, "hi", "hi", "hi"),
]


@pytest.mark.parametrize(("fdef", "value", "zh", "en"), DISPLAY)
def test_display_value(fdef: FieldDef, value: Any, zh: str, en: str) -> None:
    assert display_value(fdef, value, "zh", directory()) == zh
    assert display_value(fdef, value, "en", directory()) == en


JSON = [
    (AMOUNT, Decimal("8000.00"), 8000),
    (AMOUNT, Decimal("8000.50"), 8000.5),
    (COUNT, Decimal("3"), 3),
    (DAY, date(2026, 12, 1), "2026-12-01"),
    (FLAG, True, True),
    (MODEL, "pro", "pro"),
    (EXTRAS, ("mouse", "bag"), ["mouse", "bag"]),
    (OWNER, "alice", "alice"),
    (NOTE, "备注", "备注"),
    (NOTE, None, None),
]


@pytest.mark.parametrize(("fdef", "value", "stored"), JSON)
def test_json_storage(fdef: FieldDef, value: Any, stored: Any) -> None:
    assert value_to_json(fdef, value) == stored
    assert type(value_to_json(fdef, value)) is type(stored)
    assert value_from_json(fdef, stored) == value


@pytest.mark.parametrize("fdef", [AMOUNT, COUNT, DAY, FLAG, MODEL, EXTRAS, OWNER, NOTE])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_displayed_values_read_back(fdef: FieldDef, locale: str) -> None:
    """What the confirmation card shows can be typed back as an answer."""
    samples: dict[str, Any] = {"money": Decimal("8000.50"), "number": Decimal(3),
                               "date": date(2026, 12, 1), "bool": True, "choice": "pro",
                               "multichoice": ("mouse", "dock"), "user": "alice", "text": "备注"}
    value = samples[fdef.type]
    shown = display_value(fdef, value, locale, directory())
    assert parse(fdef, shown) == Parsed(value)
