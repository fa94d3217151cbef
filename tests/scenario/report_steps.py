"""What the report journeys share: the moments reports go, a week of history, and reading
the report a person received."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.features.reports.install import plan_report_timers
from bot.testing import ChatDriver
from chat.replies import Message
from tests.scenario.approval_steps import submit
from tests.scenario.helpers import fill_form, text_of

NEXT_MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: the report time
SHANGHAI = "Asia/Shanghai"
OWNER, LEAD, GOVERNANCE = "dave", "kate", "mia"  # it-desk member; procurement lead; governance


async def a_week_of_history(chat: ChatDriver) -> None:
    """In week 2026-W48 alice forgets her password (REQ-1, it-desk's task, done by dave) and
    asks for a laptop (REQ-2: approved by bob, kate's purchase task still open)."""
    await chat.say("alice", "忘记密码了")
    await fill_form(chat, "alice", "it.password")
    await submit(chat, "alice")
    await chat.say("dave", "完成 TASK-1")
    await chat.say("alice", "我要申请一台笔记本，预算800")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了需要更换"})
    await submit(chat, "alice")
    await chat.click("bob", "同意")


async def plan_and_send(chat: ChatDriver) -> int:
    """The report cron job of Shanghai runs; the sweep sends what it planned."""
    planned = await plan_report_timers(chat.app, SHANGHAI)
    await chat.tick(seconds=1)
    return planned


def reports_to(chat: ChatDriver, person: str, marker: str = "ESM ") -> list[str]:
    return [text_of(m) for m in chat.inbox(person) if marker in text_of(m)]


def text(messages: list[Message]) -> str:
    return "\n".join(text_of(m) for m in messages)
