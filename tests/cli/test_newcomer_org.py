"""A newcomer's own organisation (issue 15): greta asks for a chair at a company whose only
calendar is "hq", whose people are not the demo's, with only the three paths configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Esmbot, jsonl

CALENDARS = """
[[calendar]]
id = "hq"
timezone = "Europe/Berlin"
hours = ["09:00-17:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri"]
"""

DIRECTORY = """
[[person]]
id = "greta"
name = "Greta Weber"
dept = "sales"
level = 3
manager = "hans"
locale = "en"

[[person]]
id = "hans"
name = "Hans Vogel"
dept = "sales"
level = 6
locale = "en"

[[person]]
id = "ute"
name = "Ute Falk"
dept = "facilities"
level = 4
manager = "hans"
locale = "en"

[[group]]
id = "facilities"
name = { zh = "后勤", en = "Facilities" }
members = ["ute"]
lead = "ute"

[[dept]]
id = "sales"
head = "hans"
name = { zh = "销售部", en = "Sales" }

[[dept]]
id = "facilities"
head = "ute"
"""

CHAIR = """
[service]
id = "fac.chair"
name = { zh = "办公椅", en = "Office chair" }
description = { zh = "申请一把新办公椅", en = "Ask for a new office chair" }
department = "facilities"
keywords = ["chair", "椅子", "office chair"]
owner = "group:facilities"

[[field]]
id = "why"
type = "text"
ask = { zh = "为什么需要？", en = "Why do you need it?" }
label = { zh = "原因", en = "Reason" }

[[approval.rule]]
steps = [{ approvers = ["manager"] }]

[[task]]
id = "deliver"
title = { zh = "送椅子", en = "Deliver the chair" }
group = "facilities"
sla = "1bd"
"""


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """The organisation's files beside a config folder that names them by relative paths."""
    (tmp_path / "org" / "catalog").mkdir(parents=True)
    (tmp_path / "org" / "calendars.toml").write_text(CALENDARS, encoding="utf-8")
    (tmp_path / "org" / "directory.toml").write_text(DIRECTORY, encoding="utf-8")
    (tmp_path / "org" / "catalog" / "chair.toml").write_text(CHAIR, encoding="utf-8")
    config = tmp_path / "etc" / "config.toml"
    config.parent.mkdir()
    config.write_text('[catalog]\npath = "../org/catalog"\n[directory]\npath = '
                      '"../org/directory.toml"\n[calendars]\npath = "../org/calendars.toml"\n',
                      encoding="utf-8")
    return config


def test_greta_files_a_request_with_only_the_three_paths_configured(esmbot: Esmbot,
                                                                    org: Path) -> None:
    checked = esmbot("--config", str(org), "catalog", "check")
    assert checked.returncode == 0 and "OK" in checked.stdout
    out = jsonl(esmbot("--config", str(org), "chat", "--jsonl", "--as", "greta",
                       stdin="I need an office chair\nmine is broken\nsubmit\n").stdout)
    assert any(m.get("asks") == "why" for m in out)
    shown = esmbot("--config", str(org), "requests", "show", "REQ-1").stdout
    assert "fac.chair" in shown and "pending_approval" in shown and "hans" in shown


def test_check_and_start_agree_on_a_policies_calendar_that_does_not_exist(
        esmbot: Esmbot, org: Path) -> None:
    org.write_text(org.read_text(encoding="utf-8") + '[policies]\ncalendar = "cn-office"\n',
                   encoding="utf-8")
    checked = esmbot("--config", str(org), "catalog", "check", check=False)
    assert checked.returncode == 1
    assert "policies.calendar: no calendar 'cn-office'" in checked.stdout
    started = esmbot("--config", str(org), "chat", "--jsonl", stdin="hi\n", check=False)
    assert started.returncode == 2
    assert "policies.calendar: no calendar 'cn-office'" in started.stderr
    assert "Traceback" not in started.stderr


def test_the_banner_and_who_speak_of_the_organisation_in_use(esmbot: Esmbot,
                                                             org: Path) -> None:
    shown = esmbot("--config", str(org), "chat", "--as", "greta", stdin="/who\n").stdout
    assert "Office chair" in shown and "/as hans (your manager)" in shown
    assert "/as ute" in shown
    assert "kate" not in shown and "carol" not in shown and "笔记本" not in shown
    assert "greta    Greta Weber · Sales · -" in shown
    assert "ute      Ute Falk · facilities · facilities (lead)" in shown


def test_a_database_that_cannot_be_reached_is_one_line(esmbot: Esmbot) -> None:
    result = esmbot("requests", "list", check=False,
                    extra_env={"ESMBOT_STORE__URL": "postgresql+asyncpg://nobody@127.0.0.1:1/x"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("esmbot: ") and "ESMBOT_LOGGING__LEVEL=DEBUG" in result.stderr


def test_help_has_no_markup(esmbot: Esmbot) -> None:
    shown = esmbot("--help").stdout
    assert "``" not in shown and "esmbot: one door for getting things done" in shown
