"""Steps the Slack journeys share: filing the laptop request, finding cards, reading the DB."""

from __future__ import annotations

from store import audit, requests
from store.audit import AuditEventRow
from tests.slack.conftest import SlackHarness
from tests.slack.fake_slack import Call

ALICE, ALICE_DM = "U01ALICE", "D01ALICE"


async def file_the_laptop(slack: SlackHarness) -> None:
    """alice asks in her DM, picks the model, types the reason and submits: REQ-1."""
    await slack.say(ALICE, "我要申请一台笔记本，预算800")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "标准办公本")
    assert "申请原因" in slack.fake.texts_to(ALICE_DM)[-1]
    await slack.say(ALICE, "旧电脑坏了需要更换")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(slack.fake.texts_to(ALICE_DM))


def card_with(slack: SlackHarness, channel: str, action_id: str) -> Call:
    """The latest message posted to ``channel`` with a button doing ``action_id``."""
    return next(c for c in reversed(slack.fake.posts_to(channel))
                if any(b["action_id"] == action_id for b in c.buttons))


def latest_version(slack: SlackHarness, post: Call) -> Call:
    """``post`` as it reads now: its last ``chat.update``, or itself."""
    return (slack.fake.updates_of(post) or [post])[-1]


async def status_of(slack: SlackHarness, number: int = 1) -> str:
    async with slack.bot.db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=number)
    assert row is not None
    return row.status


async def trail(slack: SlackHarness, subject: str = "REQ-1") -> list[AuditEventRow]:
    async with slack.bot.db.unit_of_work() as uow:
        return await audit.events_for(uow.session, subject=subject)
