"""An exception on DingTalk: alice asks to expedite her laptop (the reason and impact as card
buttons), erin (IT director) gets the exception card in her chat and taps Grant; her card is
updated to say it holds, and alice hears it."""

from __future__ import annotations

from tests.dingtalk.conftest import DingTalkHarness
from tests.dingtalk.steps import ALICE, dm, file_the_laptop, trail

ERIN = "0100000005"


async def test_erin_grants_an_expedite_on_her_dingtalk_card(dingtalk: DingTalkHarness) -> None:
    fake = dingtalk.fake
    await file_the_laptop(dingtalk)
    await dingtalk.say(ALICE, "加急 REQ-1")
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "客户现场")
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "中")
    await dingtalk.say(ALICE, "1bd")
    await dingtalk.say(ALICE, "客户周四到现场验收")
    card = fake.card_with(dm(ERIN), "exc:grant:1:approver")
    assert [b["text"] for b in card.buttons] == ["Grant", "Deny", "Open the request"]

    await dingtalk.tap(ERIN, card, "Grant")
    assert "holding until" in fake.now(card).text
    assert "已由 Erin Li 批准" in "\n".join(fake.texts_to(dm(ALICE)))
    assert [(e.action, e.actor) for e in await trail(dingtalk)
            if e.action.startswith("exc")] == [
        ("exception.requested", "alice"), ("exception.granted", "erin")]
