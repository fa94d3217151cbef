"""Neutral messages -> Block Kit, within Slack's limits."""

from __future__ import annotations

import pytest

from adapters.slack.render import RenderError, escape_clipped, render
from chat.replies import Button, Card, CardField, Text
from tests.slack.fake_slack import block_kit_problem


def test_a_text_is_escaped_text_without_blocks() -> None:
    rendered = render(Text("a < b & c > d"))
    assert rendered.text == "a &lt; b &amp; c &gt; d" and rendered.blocks == []


def test_a_card_has_a_heading_fields_buttons_and_a_footer() -> None:
    card = Card(title="REQ-7 <VPN>", body="请审批", fields=(CardField("预算", "¥8,000"),),
                buttons=(Button("同意", "apr:7:bob:approve", "7", "primary"),
                         Button("驳回", "apr:7:bob:reject", "7", "danger"),
                         Button("详情", "req:7:show")),
                footer="提交人 王小丽")
    heading, fields, actions, footer = render(card).blocks
    assert heading["text"] == {"type": "mrkdwn", "text": "*REQ-7 &lt;VPN&gt;*\n请审批"}
    assert fields["fields"] == [{"type": "mrkdwn", "text": "*预算*\n¥8,000"}]
    approve, reject, details = actions["elements"]
    assert approve == {"type": "button", "action_id": "apr:7:bob:approve", "value": "7",
                       "style": "primary",
                       "text": {"type": "plain_text", "text": "同意", "emoji": True}}
    assert reject["style"] == "danger" and "style" not in details and "value" not in details
    assert footer == {"type": "context", "elements": [{"type": "mrkdwn", "text": "提交人 王小丽"}]}


def test_the_fallback_text_is_the_plain_text_of_the_card() -> None:
    card = Card(title="REQ-7", body="请审批", fields=(CardField("预算", "8000"),), footer="f")
    assert render(card).text == "REQ-7\n请审批\n预算: 8000\nf"


def test_many_fields_and_buttons_are_split_into_blocks_slack_accepts() -> None:
    card = Card(title="t", fields=tuple(CardField(f"f{i}", "v" * 2500) for i in range(23)),
                buttons=tuple(Button("b" * 100, f"act:{i}") for i in range(12)))
    blocks = render(card).blocks
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 10, 3]
    assert [len(b["elements"]) for b in blocks if b["type"] == "actions"] == [5, 5, 2]
    assert all(len(f["text"]) <= 2000 for b in blocks for f in b.get("fields", []))
    assert len(blocks[-1]["elements"][0]["text"]["text"]) == 75
    assert block_kit_problem({"text": "x", "blocks": blocks}) is None


def test_a_long_body_is_cut_to_the_section_limit() -> None:
    [heading] = render(Card(title="t", body="x" * 5000)).blocks
    assert len(heading["text"]["text"]) == 3000 and heading["text"]["text"].endswith("…")


def test_clipping_never_splits_an_escaped_character() -> None:
    assert escape_clipped("ab&&&&", 6) == "ab…"
    assert escape_clipped("abc&def", 9) == "abc&amp;…"


@pytest.mark.parametrize("button", [Button("go", ""), Button("go", "a" * 256),
                                    Button("go", "ok", "v" * 2001)])
def test_a_button_slack_cannot_carry_is_an_error(button: Button) -> None:
    with pytest.raises(RenderError):
        render(Card(title="t", buttons=(button,)))
