"""The slot-filling engine, table-driven: sentences and turns in, state and replies out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chat.locale import I18n
from chat.replies import Card, Text
from dialogs import engine
from dialogs.engine import ClickInput, DialogContext, DialogInput, DialogState, TextInput
from dialogs.expr import parse_expr
from dialogs.model import FieldDef, Option, Service
from org.model import Person

TODAY = date(2026, 11, 23)


def _field(fid: str, ftype: str, ask: str, **extra: Any) -> FieldDef:
    return FieldDef(id=fid, type=ftype, ask=I18n(ask, ask), label=I18n(fid, fid),  # type: ignore[arg-type]
                    **extra)


LAPTOP = Service(
    id="it.laptop",
    name=I18n("笔记本电脑申请", "Laptop request"),
    description=I18n("", ""),
    department="IT",
    keywords=("笔记本",),
    owner="group:it-desk",
    priority="normal",
    fields=(
        _field("model", "choice", "型号？", options=(
            Option("std", I18n("标准办公本", "Standard")),
            Option("pro", I18n("高性能本", "Performance")),
        )),
        _field("amount", "money", "预算？", min=Decimal(1), max=Decimal(50000)),
        _field("gpu", "bool", "独显？", when=parse_expr("model == 'pro'")),
        _field("reason", "text", "原因？", min_length=4),
        _field("note", "text", "备注？", required=False),
    ),
    version="v1",
)
ALICE = Person(id="alice", name="王小丽", dept="Engineering", locale="zh")


def ctx(locale: str = "zh") -> DialogContext:
    return DialogContext(service=LAPTOP, today=TODAY, locale=locale, requester=ALICE)


def T(text: str) -> TextInput:
    return TextInput(text)


def C(action: str) -> ClickInput:
    return ClickInput(action)


@dataclass(frozen=True)
class Case:
    name: str
    first: str
    turns: tuple[DialogInput, ...] = ()
    asking: str | None = None
    phase: str | None = None
    outcome: str = "continue"
    answers: dict[str, Any] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    reply_contains: str | None = None


CASES = [
    Case("prefill keeps the amount and the model and asks only the rest",
         "我要申请一台高性能本，预算8000", asking="gpu",
         answers={"amount": 8000, "model": "pro"}),
    Case("nothing prefilled asks the first field", "我要申请笔记本", asking="model"),
    Case("conditional field skipped when its condition is false",
         "我要标准办公本，预算5000", (T("换电脑了旧的坏了"),), asking="note",
         answers={"model": "std", "reason": "换电脑了旧的坏了"}, absent=("gpu",)),
    Case("invalid amount is re-asked with a reason", "我要笔记本",
         (T("1"), T("很多钱")), asking="amount", reply_contains="8000"),
    Case("amount over the maximum is re-asked", "我要笔记本",
         (T("1"), T("99999")), asking="amount", reply_contains="50"),
    Case("choice by number", "laptop", (T("2"),), asking="amount", answers={"model": "pro"}),
    Case("choice by button", "laptop", (C("set:model:std"),), asking="amount",
         answers={"model": "std"}),
    Case("back re-asks the previous question and forgets its answer", "laptop",
         (T("2"), T("back")), asking="model", absent=("model",)),
    Case("back at the first question says so", "laptop", (T("上一步"),), asking="model",
         reply_contains="第一个"),
    Case("back from the first asked question returns to a prefilled answer",
         "我要申请一台高性能本，预算8000", (T("back"),), asking="amount", absent=("amount",),
         answers={"model": "pro"}),
    Case("required fields cannot be skipped", "laptop", (T("跳过"),), asking="model",
         reply_contains="必填"),
    Case("optional fields can be skipped", "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("skip")), phase="confirming", answers={"note": None}),
    Case("text too short is re-asked", "我要标准办公本，预算5000", (T("坏"),),
         asking="reason"),
    Case("cancel ends the dialog", "laptop", (T("2"), T("取消")), outcome="cancelled"),
    Case("help keeps the question", "laptop", (T("帮助"),), asking="model",
         reply_contains="取消"),
    Case("all answered leads to the confirmation card", "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无")), phase="confirming"),
    Case("submit from the confirmation", "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无"), C("submit")), outcome="submitted"),
    Case("typed submit works too", "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无"), T("提交")), outcome="submitted"),
    Case("edit a field from the confirmation returns to the confirmation",
         "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无"), C("edit"), C("edit:amount"), T("6000")),
         phase="confirming", answers={"amount": 6000}),
    Case("editing the model to pro asks the newly applicable gpu question",
         "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无"), C("edit"), C("edit:model"), T("高性能本")),
         asking="gpu", answers={"model": "pro"}),
    Case("changing model back to std forgets the gpu answer", "我要高性能本，预算9000",
         (T("是"), C("set:model:std")), asking="reason", answers={"model": "std"},
         absent=("gpu",)),
    Case("text that is not a command during confirmation re-shows the card",
         "我要标准办公本，预算5000", (T("旧电脑坏了"), T("无"), T("嗯？")),
         phase="confirming", reply_contains="还没有提交"),
    Case("edit picked by label", "我要标准办公本，预算5000",
         (T("旧电脑坏了"), T("无"), T("修改"), T("amount")), asking="amount"),
    Case("emoji and control characters are just invalid answers", "laptop",
         (T("🙂\x00\x07"),), asking="model"),
    Case("a 10,000 character answer to a text field is accepted or re-asked, never fatal",
         "我要标准办公本，预算5000", (T("长" * 10_000),)),
]


def run(case: Case) -> tuple[engine.DialogStep, list[str]]:
    step = engine.start(ctx(), case.first, "inst1")
    texts = [_text_of(m) for m in step.replies]
    for given in case.turns:
        assert step.state is not None, f"dialog ended early in {case.name}"
        step = engine.handle(ctx(), step.state, given)
        texts.extend(_text_of(m) for m in step.replies)
    return step, texts


def _text_of(message: Text | Card) -> str:
    if isinstance(message, Text):
        return message.text
    return " ".join([message.title, message.body, message.footer,
                     *(b.label for b in message.buttons)])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_engine_case(case: Case) -> None:
    step, texts = run(case)
    assert step.outcome == case.outcome
    if case.outcome == "cancelled":
        assert step.state is None
        return
    state = step.state
    assert state is not None
    if case.asking is not None:
        assert state.asking == case.asking
        assert state.phase in ("asking", "editing")
    if case.phase is not None:
        assert state.phase == case.phase
    for key, value in case.answers.items():
        assert key in state.answers and state.answers[key] == value, state.answers
    for key in case.absent:
        assert key not in state.answers
    if case.reply_contains is not None:
        assert any(case.reply_contains in t for t in texts), texts[-3:]


def test_questions_carry_the_field_id_they_ask() -> None:
    step = engine.start(ctx(), "laptop", "i")
    assert step.replies[-1].asks == "model"


def test_state_round_trips_through_json() -> None:
    step, _ = run(CASES[0])
    assert step.state is not None
    assert DialogState.from_json(step.state.to_json()) == step.state


def test_confirmation_card_lists_answers_and_buttons_in_english() -> None:
    step = engine.start(ctx("en"), "I want a standard laptop, budget 5000", "i")
    assert step.state is not None
    step = engine.handle(ctx("en"), step.state, T("my old one broke"))
    assert step.state is not None
    step = engine.handle(ctx("en"), step.state, T("skip"))
    card = step.replies[-1]
    assert isinstance(card, Card)
    assert [b.label for b in card.buttons] == ["Submit", "Edit", "Cancel"]
    assert all(b.action_id.startswith("dlg:i:") for b in card.buttons)
    values = {f.label: f.value for f in card.fields}
    assert values["model"] == "Standard"
    assert "5,000" in values["amount"]
