"""The terminal chat across restarts: each ``esmbot chat`` below is a new process on the same
SQLite file, and what a typed number clicks is kept there."""

from __future__ import annotations

import json

from tests.cli.conftest import Esmbot

FILE_THE_LAPTOP = "我要申请一台笔记本，预算800\n1\n旧电脑坏了需要更换\n提交\n/as bob\n"


def test_bobs_1_approves_in_the_next_chat(esmbot: Esmbot) -> None:
    first = esmbot("chat", stdin=FILE_THE_LAPTOP).stdout
    assert "[1] 同意" in first[first.index("now chatting as bob"):]
    second = esmbot("chat", "--as", "bob", stdin="1\n").stdout
    assert "已同意 REQ-1" in second
    shown = json.loads(esmbot("requests", "show", "REQ-1", "--json").stdout)
    assert [e["actor"] for e in shown["audit"] if e["action"] == "approval.approved"] == ["bob"]


def test_a_number_with_nothing_to_pick_is_answered(esmbot: Esmbot) -> None:
    out = esmbot("chat", "--as", "bob", stdin="/as bob\n1\n").stdout
    assert "「1」没有对应的选项" in out
    listed = json.loads(esmbot("requests", "list", "--json").stdout)
    assert listed == []
