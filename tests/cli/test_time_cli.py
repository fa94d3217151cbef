"""An admin checks a calendar and recomputes SLAs from the command line."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Esmbot


@pytest.mark.parametrize(("start", "duration", "due"), [
    ("2026-09-30T17:59+08:00", "1bh", "2026-10-08T09:59:00+08:00"),  # 国庆 in between
    ("2026-12-31T17:00+08:00", "1bd", "2027-01-04T17:00:00+08:00"),  # across the year end
    ("2026-11-23T12:30+08:00", "2bh", "2026-11-23T15:30:00+08:00"),  # from the lunch break
    ("2026-11-23T10:00+08:00", "30m", "2026-11-23T10:30:00+08:00"),  # wall clock
])
def test_calendar_due_prints_the_due_moment(esmbot: Esmbot, start: str, duration: str,
                                            due: str) -> None:
    assert esmbot("calendar", "due", "cn-office", start, duration).stdout.strip() == due


def test_calendar_due_explains_bad_input(esmbot: Esmbot) -> None:
    unknown = esmbot("calendar", "due", "mars", "2026-11-23T10:00+08:00", "1bh", check=False)
    assert unknown.returncode == 2 and "cn-office, us-office" in unknown.stderr
    garbled = esmbot("calendar", "due", "cn-office", "tomorrow", "1bh", check=False)
    assert garbled.returncode == 2 and "'tomorrow' is not a date and time" in garbled.stderr
    assert "Traceback" not in garbled.stderr
    bad_unit = esmbot("calendar", "due", "cn-office", "2026-11-23T10:00", "1xx", check=False)
    assert bad_unit.returncode == 2 and "unknown unit" in bad_unit.stderr


def test_calendar_due_reads_a_local_time_in_the_calendars_zone(esmbot: Esmbot) -> None:
    """Issue 15: a start without an offset is local time on the calendar (Asia/Shanghai)."""
    naive = esmbot("calendar", "due", "cn-office", "2026-11-23T10:00", "1bh").stdout.strip()
    offset = esmbot("calendar", "due", "cn-office", "2026-11-23T10:00+08:00", "1bh")
    assert naive == offset.stdout.strip() == "2026-11-23T11:00:00+08:00"


def test_sla_recompute_rebuilds_the_timers_of_open_requests(esmbot: Esmbot) -> None:
    esmbot("chat", "--jsonl", stdin="我要申请一台笔记本，预算800\n1\n旧电脑坏了需要更换\n提交\n")
    assert "recomputed 1 request(s)" in esmbot("sla", "recompute").stdout
    assert "recomputed 1 request(s)" in esmbot("sla", "recompute", "REQ-1").stdout
    missing = esmbot("sla", "recompute", "REQ-9", check=False)
    assert missing.returncode == 1 and "REQ-9 does not exist" in missing.stderr
    shown = json.loads(esmbot("requests", "show", "REQ-1", "--json").stdout)
    assert shown["status"] == "pending_approval"
