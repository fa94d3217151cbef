"""Per-member pacing and single-use response codes, on a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.wecom.codes import ResponseCodes
from adapters.wecom.limits import RecipientLimiter
from chat.events import MessageRef


def test_the_windows_slide_and_each_recipient_has_its_own() -> None:
    now = [0.0]
    limiter = RecipientLimiter([(60.0, 30), (3600.0, 1000)], clock=lambda: now[0])
    for second in range(30):
        now[0] = float(second)
        assert limiter.wait("alice") == 0
        limiter.record("alice")
    assert limiter.wait("alice") == 60.0 - 29  # the first of the 30 leaves at 60 s
    assert limiter.wait("bob") == 0
    now[0] = 60.0
    assert limiter.wait("alice") == 0


def test_the_hour_window_holds_when_the_minute_one_would_not() -> None:
    now = [0.0]
    limiter = RecipientLimiter([(60.0, 30), (3600.0, 1000)], clock=lambda: now[0])
    for n in range(1000):
        now[0] = n * 3.0  # 20 a minute, well under 30
        limiter.record("alice")
    now[0] = 3000.0
    assert limiter.wait("alice") == 600.0  # the first leaves the hour at 3,600 s


def test_recipients_gone_quiet_are_forgotten() -> None:
    now = [0.0]
    limiter = RecipientLimiter([(60.0, 30), (3600.0, 1000)], clock=lambda: now[0])
    limiter.record("alice")
    now[0] = 3601.0
    assert limiter.wait("alice") == 0 and len(limiter) == 0


def test_codes_are_spent_once_newest_click_first_and_expire() -> None:
    clock = [datetime(2026, 11, 23, tzinfo=UTC)]
    codes = ResponseCodes(lambda: clock[0])
    ref = MessageRef("wecom", "bob", "task-1", "sent", clock[0] + timedelta(hours=72))
    codes.offer("task-1", "bob", "click-1")
    codes.offer("task-1", "bob", "click-2")
    codes.offer("task-1", "carol", "carols")  # not bob's card
    assert codes.candidates(ref) == ["click-2", "click-1", "sent"]
    codes.spend("click-2")
    codes.offer("task-1", "bob", "click-2")  # a spent code never comes back
    assert codes.candidates(ref) == ["click-1", "sent"]
    clock[0] += timedelta(hours=72)
    assert codes.candidates(ref) == []
