"""A Slack outage longer than the old dead-letter point, through the real endpoint: alice's
answers wait for Slack to come back and then arrive, once each, in order."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from tests.slack import payloads
from tests.slack.conftest import SIGNING_SECRET, running
from tests.slack.fake_slack import FakeSlack

ALICE, ALICE_DM = "U01ALICE", "D01ALICE"
LAPTOP = "我要申请一台笔记本，预算8000"
FAILURES = 12  # the old dispatcher gave up after 8 attempts


def quick_retries(tmp_path: Path, fake: FakeSlack) -> Settings:
    """Retries milliseconds apart, so the outage is many attempts long but short to wait."""
    return Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "outbox": {"poll_seconds": 0.05, "retry_base_seconds": 0.005,
                   "retry_cap_seconds": 0.02},
        "slack": {"enabled": True, "bot_token": fake.bot_token, "signing_secret": SIGNING_SECRET,
                  "api_base_url": fake.api_url},
    })


async def test_answers_held_through_a_long_outage_arrive_once_in_order(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """Regression: after eight failed attempts the first answer was dead-lettered and the card
    behind it went out alone."""
    for _ in range(FAILURES):
        fake_slack.fail_next("chat.postMessage", status=503, error="service_unavailable",
                             retry_after=None)
    async with running(quick_retries(tmp_path, fake_slack), fake_slack) as slack:
        response = await slack.event(payloads.dm(ALICE, LAPTOP))
        assert response.status == 200
        await fake_slack.wait_for("chat.postMessage", count=2)
        await slack.settle()
        posts = fake_slack.posts_to(ALICE_DM)
        failed = fake_slack.calls_to("chat.postMessage", ok=False)
        assert (len(failed), len(posts)) == (FAILURES, 2)
        assert "8,000" in posts[0].args["text"] and posts[1].buttons  # the text, then the card
        tags = [p.args["metadata"]["event_payload"]["tag"] for p in posts]
        assert len(set(tags)) == 2
        assert all(f.args["metadata"]["event_payload"]["tag"] == tags[0] for f in failed)
