"""The terminal chat, piped: what a script or a newcomer sees."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from dialogs.loader import demo_paths, load_bundle
from tests.cli.conftest import Esmbot, jsonl


def test_a_piped_chinese_expense_is_filed_without_asking_amount_or_category(
    esmbot: Esmbot,
) -> None:
    lines = "我要报销差旅费8000元\n2026-11-20\n北京客户拜访的差旅费用\n提交\n"
    out = jsonl(esmbot("chat", "--jsonl", stdin=lines).stdout)
    asked = [m["asks"] for m in out if m["asks"]]
    assert "amount" not in asked and "category" not in asked
    assert any("REQ-1" in m["body"] for m in out)
    listed = json.loads(esmbot("requests", "list", "--json").stdout)
    assert listed[0]["id"] == "REQ-1" and listed[0]["answers"]["amount"] == 8000
    assert listed[0]["answers"]["category"] == "travel"


def test_the_same_in_english(esmbot: Esmbot) -> None:
    lines = "I want to claim travel expenses of 8000\n2026-11-20\nClient visit in Beijing\nsubmit\n"
    out = jsonl(esmbot("chat", "--jsonl", "--as", "sam", stdin=lines).stdout)
    assert not any(m["asks"] in ("amount", "category") for m in out)
    assert any("Submitted REQ-1" in m["body"] for m in out)
    listed = json.loads(esmbot("requests", "list", "--json").stdout)
    assert listed[0]["answers"]["amount"] == 8000 and listed[0]["requester"] == "sam"


def test_jsonl_messages_carry_buttons_and_clicks_work(esmbot: Esmbot) -> None:
    first = jsonl(esmbot("chat", "--jsonl", stdin="我要申请笔记本\n").stdout)
    card = first[-1]
    assert card["kind"] == "card" and card["asks"] == "model"
    button = card["buttons"][1]
    assert set(button) >= {"label", "action_id"}
    click = json.dumps({"click": button["action_id"]})
    after = jsonl(esmbot("chat", "--jsonl", stdin=click + "\n").stdout)
    assert after[-1]["asks"] == "amount" and after[-1]["recipient"] == "alice"


def test_interactive_text_mode_numbers_click_and_personas_switch(esmbot: Esmbot) -> None:
    lines = "我要申请笔记本\n1\n/as bob\n/as nobody\n/quit\n"
    out = esmbot("chat", stdin=lines).stdout
    assert "[1] 标准办公本" in out
    assert "预算" in out  # "1" chose the first model, so the budget is asked next
    assert "now chatting as bob" in out and "unknown person 'nobody'" in out


def test_messages_for_someone_away_wait_in_their_mailbox(esmbot: Esmbot) -> None:
    lines = "撤回 REQ-1\n/as carol\n/as alice\n"
    out = esmbot("chat", stdin=lines).stdout
    assert "nothing new" in out


def test_a_newcomer_files_as_alice_and_approves_as_bob_and_erin(esmbot: Esmbot) -> None:
    lines = ("我要申请一台笔记本，预算8000\n1\n旧电脑坏了需要更换\n提交\n"
             "/as bob\n1\n/as erin\n1\n/as alice\nREQ-1\n")
    out = esmbot("chat", stdin=lines).stdout
    bobs = out[out.index("now chatting as bob"):out.index("now chatting as erin")]
    assert "审批 REQ-1「笔记本电脑申请」" in bobs and "[1] 同意" in bobs and "已同意 REQ-1" in bobs
    assert "You approved REQ-1" in out
    assert "REQ-1 审批通过，已交给 采购组 办理" in out
    shown = json.loads(esmbot("requests", "show", "REQ-1", "--json").stdout)
    assert shown["status"] == "in_progress"
    decisions = [(e["actor"], e["action"]) for e in shown["audit"] if e["action"].startswith(
        "approval.approved")]
    assert decisions == [("bob", "approval.approved"), ("erin", "approval.approved")]


def test_a_newcomer_plays_the_whole_journey_by_switching_personas(esmbot: Esmbot) -> None:
    lines = ("我要申请一台笔记本，预算800\n1\n旧电脑坏了需要更换\n提交\n"
             "/as bob\n1\n"
             "/as kate\n1\n1\n"  # claim, then Done on the card that came back
             "/as carol\n1\n完成 TASK-2 已交付\n"
             "/as alice\n是，已解决\n5\n很满意\n")
    out = esmbot("chat", stdin=lines).stdout
    assert "你已认领 TASK-1" in out and "已完成 TASK-1" in out and "已完成 TASK-2" in out
    assert "REQ-1「笔记本电脑申请」已办结" in out and "REQ-1 已关闭" in out
    assert "收到，谢谢你的反馈" in out
    shown = json.loads(esmbot("requests", "show", "REQ-1", "--json").stdout)
    assert shown["status"] == "closed"
    actors = [(e["action"], e["actor"]) for e in shown["audit"]
              if e["action"] in ("approval.approved", "task.done", "request.closed")]
    assert actors == [("approval.approved", "bob"), ("task.done", "kate"),
                      ("task.done", "carol"), ("request.closed", "alice")]


def test_unknown_persona_is_refused(esmbot: Esmbot) -> None:
    result = esmbot("chat", "--as", "nobody", check=False)
    assert result.returncode == 2 and "nobody" in result.stderr


def test_a_killed_chat_resumes_its_form_and_submits_once(tmp_path: Path,
                                                          env: dict[str, str]) -> None:
    chat = _start_chat(tmp_path, env)
    _send(chat, "我要报销差旅费8000元")
    first_question = _read_until_question(chat)
    chat.kill()
    chat.wait()

    again = _start_chat(tmp_path, env)
    expense = load_bundle(*demo_paths()).catalog.get("fin.expense")
    asked = expense.field(first_question) if expense else None
    answer = "2026-11-20" if asked is not None and asked.type == "date" else "客户拜访"
    _send(again, answer)
    _read_until_question(again)
    _send(again, "客户拜访差旅")
    _send(again, "提交")
    again.communicate(input="/quit\n", timeout=60)
    listed = subprocess.run([sys.executable, "-m", "bot.cli", "requests", "list", "--json"],
                            capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    requests = json.loads(listed.stdout)
    assert len(requests) == 1 and requests[0]["answers"]["amount"] == 8000


def _start_chat(cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], cwd=cwd,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1)


def _send(chat: subprocess.Popen[str], line: str) -> None:
    assert chat.stdin is not None
    chat.stdin.write(line + "\n")
    chat.stdin.flush()


def _read_until_question(chat: subprocess.Popen[str], timeout: float = 60) -> str:
    assert chat.stdout is not None
    while True:
        ready, _, _ = select.select([chat.stdout], [], [], timeout)
        assert ready, "no question arrived in time"
        line = chat.stdout.readline()
        assert line, "chat ended before asking"
        message: dict[str, Any] = json.loads(line)
        if message.get("asks"):
            return str(message["asks"])
