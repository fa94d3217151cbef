"""The terminal chat across restarts: each ``esmbot chat`` below is a new process on the same
SQLite file, and what a typed number clicks is kept there."""

from __future__ import annotations

import json

from tests.cli.conftest import Esmbot, jsonl

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


def test_the_next_chat_shows_the_open_question_and_takes_the_answer(esmbot: Esmbot) -> None:
    esmbot("chat", stdin="我要申请一台笔记本，预算8000\n")
    out = esmbot("chat", stdin="1\n/as bob\n/as alice\n").stdout
    start = out.index("你的「笔记本电脑申请」还没填完")
    assert "[1] 标准办公本" in out[start:]  # the open question, before anything is typed
    assert "申请原因" in out[start:out.index("now chatting as bob")]  # "1" was its answer
    back = out[out.index("now chatting as alice"):]
    assert "还没填完" in back and "申请原因" in back  # /as alice: the question again


def test_jsonl_as_shows_the_open_question_too(esmbot: Esmbot) -> None:
    esmbot("chat", "--jsonl", stdin="我要申请一台笔记本，预算8000\n")
    out = jsonl(esmbot("chat", "--jsonl", stdin='{"as": "alice"}\n').stdout)
    assert out[-1]["asks"] == "model" and "还没填完" in out[-2]["body"]


def test_1_on_the_confirmation_card_submits_in_the_next_chat(esmbot: Esmbot) -> None:
    esmbot("chat", stdin="我要申请一台笔记本，预算8000\n1\n旧电脑坏了需要更换\n")
    out = esmbot("chat", stdin="1\n").stdout
    assert "[1] 提交" in out and "已提交 REQ-1" in out
    listed = json.loads(esmbot("requests", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ["REQ-1"]
