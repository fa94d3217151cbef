"""An exception on Slack: alice asks to expedite her laptop in her DM (the reason and impact as
buttons), erin (IT director) gets the exception card in her DM and taps Grant; the card is
edited to say it holds, and alice hears it."""

from __future__ import annotations

from tests.slack.conftest import SlackHarness
from tests.slack.steps import ALICE, ALICE_DM, card_with, file_the_laptop, latest_version, trail

ERIN, ERIN_DM = "U01ERIN", "D01ERIN"


async def test_erin_grants_an_expedite_on_her_slack_card(slack: SlackHarness) -> None:
    await file_the_laptop(slack)
    await slack.say(ALICE, "加急 REQ-1")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "客户现场")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "中")
    await slack.say(ALICE, "1bd")
    await slack.say(ALICE, "客户周四到现场验收")
    card = card_with(slack, ERIN_DM, "exc:grant:1:approver")
    assert [b["text"]["text"] for b in card.buttons] == ["Grant", "Deny", "Open the request"]
    assert "Exception EXC-1 · REQ-1 Expedite" in str(card.args)

    await slack.tap(ERIN, card, "Grant")
    assert "holding until" in str(latest_version(slack, card).args)
    assert "已由 Erin Li 批准" in "\n".join(slack.fake.texts_to(ALICE_DM))
    assert [(e.action, e.actor) for e in await trail(slack) if e.action.startswith("exc")] == [
        ("exception.requested", "alice"), ("exception.granted", "erin")]
