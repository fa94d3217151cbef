"""Conversation state rows: each kind round-trips, old rows (no "v") load, garbage is no state."""

from __future__ import annotations

from typing import Any

import pytest

from bot.state import ChooseState, DoneState, FormState, PromptState, state_from_row
from dialogs.engine import DialogState

FORM = FormState(DialogState(instance="ab12", service_id="laptop", service_version="3",
                             answers={"model": "X1"}, asked=("model",), asking="budget"))

STATES = [
    FORM,
    ChooseState("我要电脑", ("laptop", "monitor")),
    PromptState("reject", request=12, step=3, seat="bob"),
    PromptState("handover", task=7, resume=FORM),
    DoneState("ab12", 12),
]


@pytest.mark.parametrize("state", STATES, ids=lambda s: type(s).__name__)
def test_each_kind_round_trips_through_its_row(state: Any) -> None:
    row = state.to_row()
    assert row["v"] == 1
    assert state_from_row(row) == state


OLD_FORM: dict[str, Any] = {"kind": "form", "instance": "ab12", "service_id": "laptop",
                            "service_version": "3", "answers": {"model": "X1"},
                            "asked": ["model"], "asking": "budget", "phase": "asking"}
OLD_ROWS: list[tuple[dict[str, Any], Any]] = [
    (OLD_FORM, FORM),
    ({"kind": "choose", "text": "我要电脑", "options": ["laptop", "monitor"]},
     ChooseState("我要电脑", ("laptop", "monitor"))),
    ({"kind": "prompt", "purpose": "reject", "request": 12, "step": 3, "seat": "bob"},
     PromptState("reject", request=12, step=3, seat="bob")),
    ({"kind": "prompt", "purpose": "handover", "task": 7, "resume": OLD_FORM},
     PromptState("handover", task=7, resume=FORM)),
    ({"kind": "prompt", "purpose": "withdraw", "request": None}, PromptState("withdraw")),
    ({"kind": "done", "instance": "ab12", "request": 12}, DoneState("ab12", 12)),
]


@pytest.mark.parametrize(("row", "state"), OLD_ROWS, ids=lambda r: str(r)[:30])
def test_a_row_written_before_the_version_still_loads(row: dict[str, Any], state: Any) -> None:
    assert state_from_row(row) == state


@pytest.mark.parametrize("row", [
    {}, {"kind": "mystery"}, {"kind": "form"}, {"kind": "prompt"}, {"kind": "done"},
    {"kind": "prompt", "purpose": "x", "request": "twelve"}, {"v": 2, **OLD_FORM},
    {"kind": "choose", "options": 5},
])
def test_an_unknown_or_garbled_row_is_no_state(row: dict[str, Any]) -> None:
    assert state_from_row(row) is None
