"""The terminal's rendering of cards."""

from __future__ import annotations

from adapters.console.render import render
from chat.replies import Button, Card, CardField


def test_a_multi_line_field_value_stays_inside_the_card() -> None:
    card = Card(title="审批 REQ-1", fields=(CardField("审批人", "赵强：待审批\n吴刚：待审批"),),
                buttons=(Button("同意", "apr:1:bob:approve"),))
    assert render(card).splitlines() == [
        "┌─ 审批 REQ-1",
        "│   审批人: 赵强：待审批",
        "│           吴刚：待审批",
        "│ [1] 同意",
        "└" + "─" * 40,
    ]
