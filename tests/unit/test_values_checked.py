"""Values checked like a service desk checks them, on a fixed day: Wednesday 2 December 2026.
Dates people write, date bounds, amounts over the maximum, text kept as typed, the form's
counter and [[check]] rules (the engine and the package loader)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chat.locale import I18n
from chat.replies import Card, Text
from dialogs import engine
from dialogs.engine import DialogContext, TextInput
from dialogs.expr import parse_expr
from dialogs.fieldtypes import Invalid, Parsed, parse_answer
from dialogs.loader import load_catalog
from dialogs.loader_fields import read_date_bound
from dialogs.model import Catalog, CheckDef, DateBound, FieldDef
from dialogs.parsing.dates import example_day
from tests.unit.builders import field, money, service

TODAY = date(2026, 12, 2)  # a Wednesday
DAY = field("day", "date", "哪天？", "Which day?")
AMOUNT = money()  # 1 .. 50,000
NOTE = field("note", "text", "备注？", "Note?")


def parse(fdef: FieldDef, text: str) -> Parsed | Invalid:
    return parse_answer(fdef, text, today=TODAY)


# --- dates people write ------------------------------------------------------------------

DATES = [
    ("下个月1号", date(2027, 1, 1)), ("下月1日", date(2027, 1, 1)),
    ("下个月15号", date(2027, 1, 15)), ("这个月20号", date(2026, 12, 20)),
    ("月底", date(2026, 12, 31)), ("本月底", date(2026, 12, 31)),
    ("下个月底", date(2027, 1, 31)), ("月末", date(2026, 12, 31)), ("下月初", date(2027, 1, 1)),
    ("年底", date(2026, 12, 31)), ("明年年底", date(2027, 12, 31)),
    ("end of month", date(2026, 12, 31)), ("end of the month", date(2026, 12, 31)),
    ("End of next month", date(2027, 1, 31)), ("month end", date(2026, 12, 31)),
    ("start of next month", date(2027, 1, 1)), ("end of the year", date(2026, 12, 31)),
    ("元旦", date(2027, 1, 1)), ("new year's day", date(2027, 1, 1)),
    ("圣诞节", date(2026, 12, 25)), ("christmas", date(2026, 12, 25)),
    ("国庆", date(2027, 10, 1)), ("劳动节", date(2027, 5, 1)),
    ("25/12", date(2026, 12, 25)), ("12/25", date(2026, 12, 25)), ("12.25", date(2026, 12, 25)),
    ("25.12", date(2026, 12, 25)), ("12.1", date(2026, 12, 1)), ("1.5", date(2027, 1, 5)),
    ("截止月底", date(2026, 12, 31)), ("3月底", date(2027, 3, 31)), ("2月底", date(2027, 2, 28)),
    ("12月底", date(2026, 12, 31)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_people_write_are_understood(text: str, expected: date) -> None:
    assert parse(DAY, text) == Parsed(expected)


@pytest.mark.parametrize("text", [
    "12.32", "13.13", "32/12", "2月30日", "下个月32号", "月", "13月底",
])
def test_days_that_do_not_exist_are_refused(text: str) -> None:
    result = parse(DAY, text)
    assert isinstance(result, Invalid), result


def test_an_unreadable_date_suggests_a_day_to_come() -> None:
    result = parse(DAY, "不知道")
    assert isinstance(result, Invalid)
    assert "2026-12-09" in result.reason.zh and "12月9日" in result.reason.zh
    assert "2026-12-09" in result.reason.en and "Dec 9" in result.reason.en
    assert "2026-12-01" not in result.reason.zh + result.reason.en


def test_the_hint_under_a_date_question_never_shows_a_past_day() -> None:
    for locale, short in (("zh", "12月9日"), ("en", "Dec 9")):
        step = engine.start(DialogContext(service("x.day", "日", "Day", fields=(DAY,)),
                                          TODAY, locale), "", "i1")
        question = step.replies[-1]
        assert isinstance(question, Text)
        assert "2026-12-09" in question.text and short in question.text
        assert "2026-12-01" not in question.text


def test_the_example_day_stays_inside_the_bounds() -> None:
    assert example_day(TODAY) == date(2026, 12, 9)
    assert example_day(TODAY, earliest=date(2027, 1, 1)) == date(2027, 1, 1)
    assert example_day(TODAY, latest=date(2026, 12, 4)) == date(2026, 12, 4)


# --- date bounds -------------------------------------------------------------------------

TRIP_DAY = field("start", "date", "哪天出发？", "When do you leave?",
                 earliest=DateBound("today"), latest=DateBound("+1y", years=1))


def test_a_day_before_the_earliest_is_refused_with_the_earliest_day() -> None:
    result = parse(TRIP_DAY, "昨天")
    assert isinstance(result, Invalid)
    assert result.reason.zh == "这一天太早了：最早可以选 2026年12月2日（周三）。请换一天。"
    assert "the earliest you can pick is Wed 2 Dec 2026" in result.reason.en


def test_a_day_after_the_latest_is_refused_with_the_latest_day() -> None:
    result = parse(TRIP_DAY, "2027-12-03")
    assert isinstance(result, Invalid)
    assert "最晚可以选 2027年12月2日" in result.reason.zh and "too late" in result.reason.en


@pytest.mark.parametrize("text", ["今天", "today", "2027-12-02", "下个月1号"])
def test_days_inside_the_bounds_are_taken(text: str) -> None:
    assert isinstance(parse(TRIP_DAY, text), Parsed)


@pytest.mark.parametrize(("raw", "on_today"), [
    ("today", date(2026, 12, 2)), ("+1y", date(2027, 12, 2)), ("-30d", date(2026, 11, 2)),
    ("+2w", date(2026, 12, 16)), ("+6m", date(2027, 6, 2)), ("+1M", date(2027, 1, 2)),
    ("2027-01-01", date(2027, 1, 1)), (date(2027, 3, 1), date(2027, 3, 1)),
])
def test_date_bounds_are_read_from_the_package(raw: Any, on_today: date) -> None:
    bound = read_date_bound(raw)
    assert bound is not None and bound.on(TODAY) == on_today


@pytest.mark.parametrize("raw", ["tomorrow-ish", "+1x", "1y", "2027-13-01", 5, True, ""])
def test_a_bad_date_bound_is_not_a_bound(raw: Any) -> None:
    assert read_date_bound(raw) is None


def test_a_month_later_on_the_31st_is_the_last_day_of_that_month() -> None:
    assert DateBound("+1m", months=1).on(date(2027, 1, 31)) == date(2027, 2, 28)


# --- amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["一百万亿", "一万亿", "99999", "100000000000000"])
def test_an_amount_over_the_maximum_says_the_maximum(text: str) -> None:
    result = parse(AMOUNT, text)
    assert isinstance(result, Invalid)
    assert result.reason.zh == "不能超过 ¥50,000。"
    assert result.reason.en == "It must be at most CNY 50,000."


@pytest.mark.parametrize("text", ["12/25", "1/2", "3 / 4元"])
def test_a_date_or_fraction_is_not_an_amount(text: str) -> None:
    result = parse(AMOUNT, text)
    assert isinstance(result, Invalid)
    assert result.reason.zh.startswith("金额需要是数字")
    assert result.reason.en.startswith("The amount must be a number")


def test_two_amounts_are_still_told_to_pick_one() -> None:
    result = parse(AMOUNT, "8000或9000")
    assert isinstance(result, Invalid) and "只填一个金额" in result.reason.zh


# --- text as typed -----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "旧电脑坏了，无法开机", "（腾讯总部）", "ＡＢＣ：１２３", "第一行\n第二行",
])
def test_text_is_stored_as_typed(text: str) -> None:
    assert parse(NOTE, text) == Parsed(text)


def test_text_loses_only_control_characters_and_extra_spaces() -> None:
    assert parse(NOTE, "  旧电脑\x00坏了，   无法开机 ") == Parsed("旧电脑 坏了， 无法开机")


# --- the counter and the checks in the engine ---------------------------------------------

TRIP = service("fin.trip", "出差", "Trip", fields=(
    field("start", "date", "哪天出发？", "When do you leave?"),
    field("back", "date", "哪天回来？", "When do you come back?"),
    field("note", "text", "备注？", "Note?"),
))
TRIP = replace(TRIP, checks=(CheckDef(
    when=parse_expr("back < start"), field="back",
    message=I18n("返回日期不能早于出发日期。", "You cannot come back before you leave.")),))


def run(locale: str, *answers: str) -> engine.DialogStep:
    ctx = DialogContext(TRIP, TODAY, locale)
    step = engine.start(ctx, "", "i1")
    for answer in answers:
        assert step.state is not None
        step = engine.handle(ctx, step.state, TextInput(answer))
    return step


@pytest.mark.parametrize(("locale", "message"), [
    ("zh", "返回日期不能早于出发日期。"), ("en", "You cannot come back before you leave."),
])
def test_a_failing_check_says_its_message_and_asks_the_field_again(locale: str,
                                                                  message: str) -> None:
    step = run(locale, "12月20日", "12月10日", "拜访客户")
    assert step.state is not None and step.state.phase == "editing"
    assert step.state.asking == "back" and step.state.answers["back"] == "2026-12-10"
    said, question = step.replies
    assert isinstance(said, Text) and said.text == message and said.asks == "back"
    assert not isinstance(question, Card)
    step = engine.handle(DialogContext(TRIP, TODAY, locale), step.state, TextInput("12月22日"))
    assert step.state is not None and step.state.phase == "confirming"


def test_a_check_that_holds_goes_straight_to_the_card() -> None:
    step = run("zh", "12月20日", "12月22日", "拜访客户")
    assert step.state is not None and step.state.phase == "confirming"


def test_submit_is_refused_while_a_check_fails() -> None:
    ctx = DialogContext(TRIP, TODAY, "zh")
    state = engine.DialogState("i1", TRIP.id, "", phase="confirming", answers={
        "start": "2026-12-20", "back": "2026-12-10", "note": "x"})
    step = engine.handle(ctx, state, TextInput("提交"))
    assert step.outcome == "continue" and step.state is not None
    assert step.state.asking == "back"


def test_the_counter_skips_prefilled_answers_and_grows_by_one() -> None:
    form = service("it.thing", "东西", "Thing", fields=(
        field("note", "text", "备注？", "Note?"), AMOUNT,
        field("more", "text", "还有吗？", "More?"),
    ))
    ctx = DialogContext(form, TODAY, "zh")
    step = engine.start(ctx, "8000元", "i1")  # the amount is noted from the first sentence
    assert step.state is not None and "amount" in step.state.answers
    first = step.replies[-1]
    assert isinstance(first, Text) and first.text.startswith("[第 1/2 项] 备注")
    step = engine.handle(ctx, step.state, TextInput("给新同事"))
    second = step.replies[-1]
    assert isinstance(second, Text) and second.text.startswith("[第 2/2 项] 还有吗")


# --- the package: [[check]] and date bounds are linted -------------------------------------

PACKAGE = """\
[service]
id = "fin.trip"
name = { zh = "出差", en = "Trip" }
department = "Finance"
owner = "group:finance"

[[field]]
id = "start_date"
type = "date"
ask = { zh = "哪天出发？", en = "When do you leave?" }
min = "today"
max = "+1y"

[[field]]
id = "end_date"
type = "date"
ask = { zh = "哪天回来？", en = "When do you come back?" }

[[check]]
when = "end_date < start_date"
message = { zh = "返回日期不能早于出发日期。", en = "You cannot come back before you leave." }
"""


def load(tmp_path: Path, text: str) -> tuple[Any, list[str]]:
    folder = tmp_path / "catalog"
    folder.mkdir(exist_ok=True)
    (folder / "fin.trip.toml").write_text(text, encoding="utf-8")
    catalog, problems = load_catalog(folder)
    return catalog, [f"{p.item}: {p.message}" for p in problems]


def test_a_package_with_bounds_and_a_check_loads(tmp_path: Path) -> None:
    catalog, problems = load(tmp_path, PACKAGE)
    assert problems == []
    trip = catalog.get("fin.trip")
    [check] = trip.checks
    assert check.field == "end_date" and str(check.when) == "end_date < start_date"
    start = trip.field("start_date")
    assert start.earliest == DateBound("today")
    assert start.latest is not None and start.latest.on(TODAY) == date(2027, 12, 2)


@pytest.mark.parametrize(("old", "new", "words"), [
    ('when = "end_date < start_date"', 'when = "end_dat < start_date"',
     ("check #1", "'end_dat' is not a field of this service", "did you mean 'end_date'")),
    ('when = "end_date < start_date"', 'when = "end_date < 5"', ("check #1", "date")),
    ('when = "end_date < start_date"', 'when = "end_date <"', ("check #1", "does not parse")),
    ('when = "end_date < start_date"\n', "", ("check #1", "missing required key 'when'")),
    (', en = "You cannot come back before you leave."', "", ("check #1", "'message.en'")),
    ('message = {', 'field = "nowhere"\nmessage = {', ("check #1", "'nowhere' is not a field")),
    ('message = {', 'mesage = "x"\nmessage = {', ("check #1", "unknown key 'mesage'")),
    ('min = "today"', 'min = "yesterday"', ("field start_date", "'min' must be \"today\"")),
    ('max = "+1y"', 'max = "+1 year"', ("field start_date", "'max' must be")),
    ('max = "+1y"', 'max = "-1y"', ("field start_date", "'min' (today) is later than 'max'")),
])
def test_catalog_check_names_a_broken_check_or_bound(
    tmp_path: Path, old: str, new: str, words: tuple[str, ...]
) -> None:
    assert old in PACKAGE
    _, problems = load(tmp_path, PACKAGE.replace(old, new, 1))
    assert any(all(w in p for w in words) for p in problems), problems
    assert len(problems) == 1, problems


def test_min_on_a_number_field_is_still_a_number(tmp_path: Path) -> None:
    text = PACKAGE.replace('min = "today"\nmax = "+1y"\n', "") + """
[[field]]
id = "budget"
type = "money"
ask = { zh = "预算？", en = "Budget?" }
min = "today"
"""
    _, problems = load(tmp_path, text)
    assert any("'min' must be a number" in p for p in problems), problems


def earliest(catalog: Catalog, sid: str, fid: str) -> DateBound | None:
    found = catalog.get(sid)
    fdef = found.field(fid) if found else None
    assert fdef is not None, (sid, fid)
    return fdef.earliest


def test_the_demo_trip_and_room_carry_their_rules() -> None:
    catalog, problems = load_catalog(Path("dialogs/demo/catalog"))
    assert problems == []
    trip = catalog.get("fin.travel")
    assert trip is not None and [c.field for c in trip.checks] == ["end_date"]
    assert earliest(catalog, "fin.travel", "start_date") == DateBound("today")
    assert earliest(catalog, "fin.travel", "end_date") == DateBound("today")
    assert earliest(catalog, "admin.meeting_room", "meeting_date") == DateBound("today")
