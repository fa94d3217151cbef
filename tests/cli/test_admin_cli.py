"""The admin's commands: configuration, catalog check, audit verify, requests."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from dialogs.loader import demo_paths
from tests.cli.conftest import Esmbot, jsonl


def _own_catalog(tmp_path: Path) -> Path:
    """A copy of the demo catalog with one service of the organisation's own."""
    folder = tmp_path / "our-catalog"
    shutil.copytree(demo_paths()[0], folder)
    (folder / "facilities.parking.toml").write_text(
        """
[service]
id = "facilities.parking"
name = { zh = "停车位申请", en = "Parking space" }
description = { zh = "申请园区停车位", en = "A parking space on campus" }
department = "Facilities"
keywords = ["停车", "车位", "parking"]
owner = "group:admin"
priority = "low"

[[field]]
id = "plate"
type = "text"
ask = { zh = "车牌号？", en = "Licence plate?" }
min_length = 5
""",
        encoding="utf-8",
    )
    return folder


def test_an_organisations_own_catalog_is_used(esmbot: Esmbot, tmp_path: Path) -> None:
    folder = _own_catalog(tmp_path)
    (tmp_path / "config.toml").write_text(f'[catalog]\npath = "{folder}"\n', encoding="utf-8")
    out = jsonl(esmbot("chat", "--jsonl", stdin="我要申请停车位\n").stdout)
    assert out[-1]["asks"] == "plate"


def test_a_broken_catalog_is_refused_at_start_and_by_check(esmbot: Esmbot,
                                                            tmp_path: Path) -> None:
    folder = _own_catalog(tmp_path)
    broken = folder / "facilities.parking.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("min_length", "min_lenght"),
                      encoding="utf-8")
    (tmp_path / "config.toml").write_text(f'[catalog]\npath = "{folder}"\n', encoding="utf-8")
    started = esmbot("chat", "--jsonl", stdin="hi\n", check=False)
    assert started.returncode == 2
    assert "facilities.parking.toml" in started.stderr and "min_lenght" in started.stderr
    checked = esmbot("catalog", "check", str(folder), check=False)
    assert checked.returncode == 1
    assert "facilities.parking.toml" in checked.stdout and "plate" in checked.stdout


def test_the_demo_catalog_checks_clean(esmbot: Esmbot) -> None:
    result = esmbot("catalog", "check")
    assert result.returncode == 0 and "OK" in result.stdout


def test_catalog_check_warns_about_steps_that_find_nobody(esmbot: Esmbot) -> None:
    """A warning names the rule, the step and the people; the exit code stays 0 (issue 16)."""
    result = esmbot("catalog", "check")
    assert result.returncode == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert "warning: it.laptop approval rule 2 step 1 (manager) finds no approver for leo;" \
        " their requests go to the service owner at that step" in lines
    assert not any("step 2 (role:it-director" in line for line in lines)


def test_a_bad_config_value_names_the_key(esmbot: Esmbot, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[server]\nport = "eighty"\n[bot]\ncolour = 1\n',
                                          encoding="utf-8")
    result = esmbot("requests", "list", check=False)
    assert result.returncode == 2
    assert "server.port" in result.stderr and "bot.colour" in result.stderr


def test_environment_overrides_the_file_and_is_validated(esmbot: Esmbot) -> None:
    bad = esmbot("requests", "list", extra_env={"ESMBOT_BOT__DEFAULT_LOCALE": "fr"},
                 check=False)
    assert bad.returncode == 2 and "bot.default_locale" in bad.stderr
    bad_url = esmbot("requests", "list", extra_env={"ESMBOT_STORE__URL": "mysql://x"},
                     check=False)
    assert bad_url.returncode == 2 and "store.url" in bad_url.stderr


def test_audit_verify_names_the_first_altered_row(esmbot: Esmbot, tmp_path: Path) -> None:
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n"
           "撤回 REQ-1 重复提交了\n")
    assert esmbot("audit", "verify").returncode == 0
    with sqlite3.connect(tmp_path / "esmbot.db") as db:
        db.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1")
    result = esmbot("audit", "verify", check=False)
    assert result.returncode == 1 and "seq 1" in result.stderr


def test_requests_show_includes_the_audit_trail(esmbot: Esmbot) -> None:
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n")
    shown = json.loads(esmbot("requests", "show", "REQ-1", "--json").stdout)
    assert shown["status"] == "pending_approval"
    assert [e["action"] for e in shown["audit"]] == [
        "request.submitted", "approval.started", "approval.step_started"]
    source = shown["audit"][0]["source"]  # where each action came from: the terminal chat
    assert source["channel"] == "console" and source["event_id"] and source["user"]
    missing = esmbot("requests", "show", "REQ-7", check=False)
    assert missing.returncode == 1


def test_requests_show_reads_like_a_service_desk_view(esmbot: Esmbot) -> None:
    """Issue 15: without --json, answers, steps with decisions, SLA clocks and the timeline,
    in local time (Asia/Shanghai)."""
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n"
           '{"as": "bob"}\n同意 REQ-1\n')
    shown = esmbot("requests", "show", "REQ-1").stdout
    sections = [line for line in shown.splitlines() if line and not line.startswith(" ")]
    assert sections[0].startswith("REQ-1 · ") and sections[0].endswith("pending_approval")
    assert sections[2:] == ["Answers", "Approval (round 1)", "Tasks", "SLA clocks", "Timeline"]
    assert "  Amount (amount): CNY 8,000.00" in shown
    assert any(line.strip().startswith("bob") and "approved" in line
               for line in shown.splitlines())
    assert "  response " in shown and "stopped" in shown
    assert "{" not in shown  # not JSON
    assert "(Asia/Shanghai)" in sections[1]


def test_requests_list_has_a_header_and_refuses_an_unknown_status(esmbot: Esmbot) -> None:
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n")
    lines = esmbot("requests", "list").stdout.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "REQUESTER", "SERVICE", "CREATED"]
    assert lines[1].split()[:4] == ["REQ-1", "pending_approval", "alice", "fin.expense"]
    bogus = esmbot("requests", "list", "--status", "bogus", check=False)
    assert bogus.returncode == 2 and "invalid choice: 'bogus'" in bogus.stderr
