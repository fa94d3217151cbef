"""Prefill keeps what the first sentence already said, and never guesses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dialogs.model import Service
from dialogs.prefill import prefill
from tests.unit.builders import (
    EXPENSE,
    LAPTOP,
    PURCHASE,
    TRAVEL,
    field,
    money,
    options,
    service,
)

TODAY = date(2026, 11, 23)
D = Decimal
BUDGETED = service("it.monitor", "显示器申请", "Monitor request", fields=(
    money("budget", "预算多少元？", "Budget?"), money("shipping", "运费多少元？", "Shipping?"),
))

CASES: list[tuple[Service, str, dict[str, Any]]] = [
    # the journeys of the design: category and amount from one sentence, in both languages
    (EXPENSE, "我要报销差旅费8000元", {"category": "travel", "amount": D("8000.00")}),
    (EXPENSE, "I want to claim travel expenses of 8000",
     {"category": "travel", "amount": D("8000.00")}),
    (EXPENSE, "报销差旅 ¥8,000.50", {"category": "travel", "amount": D("8000.50")}),
    (EXPENSE, "昨天请客户吃饭花了1200块，招待费",
     {"category": "meals", "amount": D("1200.00"), "spent_on": date(2026, 11, 22)}),
    (EXPENSE, "12月1日出差花了三千五",  # money spent on a business trip: 差旅费 (OPTION_CUES)
     {"category": "travel", "amount": D("3500.00"), "spent_on": date(2026, 12, 1)}),
    (EXPENSE, "报销 1.5万 差旅费", {"category": "travel", "amount": D("15000.00")}),
    (EXPENSE, "meals with a client, RMB 800", {"category": "meals", "amount": D("800.00")}),
    (EXPENSE, "差旅 8000", {"category": "travel", "amount": D("8000.00")}),  # bare, one money
    (LAPTOP, "我要申请一台高性能本，预算8000", {"model": "pro", "amount": D("8000.00")}),
    (LAPTOP, "I want a standard laptop, budget 5000", {"model": "std", "amount": D("5000.00")}),
    (LAPTOP, "我要高性能本，需要独立显卡", {"model": "pro", "gpu": True}),
    (LAPTOP, "我要高性能的笔记本，不需要独立显卡", {"model": "pro", "gpu": False}),
    (LAPTOP, "performance laptop with a GPU, 9k", {"model": "pro", "gpu": True, "amount": D(9000)}),
    (LAPTOP, "performance laptop, no GPU", {"model": "pro", "gpu": False}),
    (LAPTOP, "不要高性能本，要标准办公本", {"model": "std"}),
    (LAPTOP, "笔记本 6000", {"amount": D("6000.00")}),
    (LAPTOP, "ＰＲＯ laptop, budget ８０００", {"model": "pro", "amount": D("8000.00")}),
    # dates: the only date field, or the one labelled right before the date
    (TRAVEL, "下周一出发去上海出差3天", {"days": D(3)}),
    (TRAVEL, "出发日期12月1日，返回日期12月5日",
     {"depart": date(2026, 12, 1), "return_on": date(2026, 12, 5)}),
    (TRAVEL, "出差预算5000元", {"budget": D("5000.00")}),
    # counts fill the number field whose question mentions the unit
    (PURCHASE, "采购10个显示器，预算2万", {"quantity": D(10), "amount": D("20000.00")}),
    # several money fields: the one whose label is right before the number
    (BUDGETED, "预算3000元，运费50元", {"budget": D("3000.00"), "shipping": D("50.00")}),
]

NOTHING: list[tuple[Service, str]] = [
    (LAPTOP, "我要申请笔记本"),
    (LAPTOP, "laptop"),
    (LAPTOP, ""),
    (LAPTOP, "🙂\x00"),
    (LAPTOP, "帮我看一下笔记本"),  # 一 is a word here, not an amount
    (LAPTOP, "我要i7的笔记本"),  # glued to letters: a model name, not an amount
    (LAPTOP, "第2个"),
    (LAPTOP, "预算99999"),  # out of range: asked and validated later
    (LAPTOP, "预算0元"),
    (LAPTOP, "12月1日要一台笔记本 8000"),  # a date in the sentence: a bare number is not money
    (LAPTOP, "8000 or 9000 budget"),
    (LAPTOP, "我要本子"),
    (LAPTOP, "独立显卡"),  # no yes/no marker
    (EXPENSE, "报销8000或9000元"),
    (EXPENSE, "报销3天的费用"),
    (EXPENSE, "报销差旅费和招待费"),  # two options of one field: fill nothing
    (TRAVEL, "12月1日到12月5日出差"),  # two date fields, no labels
    (TRAVEL, "出差 3000"),  # two money/number fields: a bare number is not enough
    (BUDGETED, "3000元"),  # two money fields, no label
]


@pytest.mark.parametrize(("svc", "text", "expected"), CASES, ids=[c[1] for c in CASES])
def test_prefill(svc: Service, text: str, expected: dict[str, Any]) -> None:
    found = prefill(svc, text, today=TODAY)
    assert found == expected
    for key, value in expected.items():
        assert type(found[key]) is type(value)


@pytest.mark.parametrize(("svc", "text"), NOTHING, ids=[c[1] or "empty" for c in NOTHING])
def test_prefill_fills_nothing_it_is_not_sure_of(svc: Service, text: str) -> None:
    assert prefill(svc, text, today=TODAY) == {}


def test_text_and_user_fields_are_never_prefilled() -> None:
    svc = service("x", "x", "x", fields=(field("reason", "text", "原因？"),
                                          field("owner", "user", "谁？"),
                                          field("note", "text", "备注", "note")))
    assert prefill(svc, "原因是旧电脑坏了，交给carol, note: urgent", today=TODAY) == {}


def test_conditional_fields_are_still_filled() -> None:
    assert LAPTOP.field("gpu") is not None
    assert prefill(LAPTOP, "需要独立显卡", today=TODAY) == {"gpu": True}


def test_a_longer_option_name_wins_over_one_inside_it() -> None:
    kinds = options(("dom", "差旅", "Travel"), ("intl", "国际差旅", "International travel"))
    svc = service("t", "t", "t", fields=(field("kind", "choice", options=kinds),))
    assert prefill(svc, "国际差旅报销", today=TODAY) == {"kind": "intl"}
    assert prefill(svc, "差旅报销", today=TODAY) == {"kind": "dom"}
    assert prefill(svc, "international travel", today=TODAY) == {"kind": "intl"}

