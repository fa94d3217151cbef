"""Replayed and stale WeCom callbacks, through the real ``POST /wecom/callback``.

WeCom signs ``token``, ``timestamp``, ``nonce`` and the encrypted body, so a callback cannot be
altered; but a captured one could be sent again later. esmbot refuses a callback whose
``timestamp`` is more than ``[wecom] callback_window_seconds`` (5 min) off, and a ``nonce``
seen within that time with another body. WeCom's own retry (the same callback again) is
answered, and the core takes it in once.
"""

from __future__ import annotations

import time

from tests.wecom import callbacks
from tests.wecom.conftest import WeComHarness
from tests.wecom.steps import ALICE

LAPTOP = "我要申请一台笔记本，预算8000"


async def test_a_callback_signed_minutes_ago_is_refused(wecom: WeComHarness) -> None:
    six_minutes_ago = str(int(time.time()) - 6 * 60)
    stale = callbacks.seal(callbacks.text(ALICE, LAPTOP), timestamp=six_minutes_ago)
    assert (await wecom.post("", sealed=stale)).status == 403
    ahead = callbacks.seal(callbacks.text(ALICE, LAPTOP),
                           timestamp=str(int(time.time()) + 6 * 60))
    assert (await wecom.post("", sealed=ahead)).status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == []
    assert wecom.fake.calls_to("message/send", ok=None) == []


async def test_a_nonce_is_not_taken_twice_with_another_body(wecom: WeComHarness) -> None:
    first = callbacks.seal(callbacks.text(ALICE, LAPTOP, msg_id="100"), nonce="424242")
    assert (await wecom.post("", sealed=first)).status == 200
    await wecom.settle()
    answered = len(wecom.fake.sends_to(ALICE))
    again = callbacks.seal(callbacks.text(ALICE, "我的申请", msg_id="101"), nonce="424242")
    assert (await wecom.post("", sealed=again)).status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == ["100"]
    assert answered > 0 and len(wecom.fake.sends_to(ALICE)) == answered


async def test_wecoms_retry_of_the_same_callback_is_answered_and_taken_in_once(
    wecom: WeComHarness,
) -> None:
    sealed = callbacks.seal(callbacks.text(ALICE, LAPTOP, msg_id="200"))
    for _ in range(3):
        response = await wecom.post("", sealed=sealed)
        assert (response.status, await response.text()) == (200, "")
    await wecom.settle()
    assert await wecom.inbound_ids() == ["200"]
