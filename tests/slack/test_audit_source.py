"""Every audit row names its source: the channel, the platform's event id and the platform
user id behind the actor, so a decision can be traced to the request that carried it. The
chain still verifies."""

from __future__ import annotations

from store import audit
from tests.slack.conftest import SlackHarness
from tests.slack.steps import ALICE, card_with, file_the_laptop, trail

BOB, BOB_DM = "U01BOB", "D01BOB"


async def test_a_decision_names_the_slack_click_that_carried_it(slack: SlackHarness) -> None:
    await file_the_laptop(slack)
    await slack.tap(BOB, card_with(slack, BOB_DM, "apr:1:bob:approve"), "同意")
    events = await trail(slack)
    submitted = next(e for e in events if e.action == "request.submitted")
    assert submitted.actor == "alice"
    assert submitted.source is not None
    assert submitted.source["channel"] == "slack" and submitted.source["user"] == ALICE
    assert submitted.source["event_id"].startswith("act:")  # alice's click on 提交
    decided = next(e for e in events if e.actor == "bob")  # his approval
    assert decided.source == {"channel": "slack", "user": BOB,
                              "event_id": decided.source["event_id"]}
    assert decided.source["event_id"].startswith("act:") and \
        decided.source["event_id"].split(":")[2] == BOB
    async with slack.bot.db.unit_of_work() as uow:
        verified = await audit.verify(uow.session)
    assert verified.ok, verified.reason
