"""An exception on WeCom: alice asks to expedite her laptop (the reason and impact as template
card buttons), erin (IT director) gets the exception card and taps Grant; her card is updated
to say it holds, and alice hears it."""

from __future__ import annotations

from tests.wecom.conftest import WeComHarness
from tests.wecom.steps import ALICE, card_with, file_the_laptop, trail

ERIN = "erinli"


async def test_erin_grants_an_expedite_on_her_wecom_card(wecom: WeComHarness) -> None:
    await file_the_laptop(wecom)
    await wecom.say(ALICE, "加急 REQ-1")
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "客户现场")
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "中")
    await wecom.say(ALICE, "1bd")
    await wecom.say(ALICE, "客户周四到现场验收")
    card = card_with(wecom, ERIN, "exc:grant:1:approver")
    assert [b["text"] for b in card.buttons] == ["Grant", "Deny", "Open the request"]

    await wecom.tap(ERIN, card, "Grant")
    assert "holding until" in wecom.fake.card_now(card).text
    assert "已由 Erin Li 批准" in "\n".join(wecom.fake.texts_to(ALICE))
    assert [(e.action, e.actor) for e in await trail(wecom) if e.action.startswith("exc")] == [
        ("exception.requested", "alice"), ("exception.granted", "erin")]
