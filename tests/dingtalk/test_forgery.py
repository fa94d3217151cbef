"""DingTalk HTTP mode under forgery, through the real ``POST /dingtalk/callback``.

The ``sign`` header covers only the ``timestamp``, never the body. So whoever holds the headers
of one genuine message (a log, a proxy, a browser extension) could put any body under them:
another sender (``senderStaffId``), another ``sessionWebhook``. esmbot takes each
``timestamp``/``sign`` pair once, with the body it first came with (across replicas), only
within minutes of our clock, and uses a sessionWebhook only on DingTalk's host and path, for at
most DingTalk's 90 minutes after the message was written.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.dingtalk import payloads
from tests.dingtalk.conftest import DingTalkHarness, dingtalk_settings, running, signed
from tests.dingtalk.fake_dingtalk import BATCH_SEND, FakeDingTalk
from tests.dingtalk.steps import ALICE, BOB, LAPTOP, dm, status_of, trail

YEAR_2100_MS = 4_102_444_800_000


async def say(dingtalk: DingTalkHarness, staff_id: str, text: str) -> None:
    assert (await dingtalk.post(dingtalk.message(staff_id, text))).status == 200
    await dingtalk.settle()


async def file_the_laptop_over_http(dingtalk: DingTalkHarness) -> None:
    """alice files REQ-1 (numbered replies); bob, her manager, gets the approval card."""
    await say(dingtalk, ALICE, LAPTOP)
    await say(dingtalk, ALICE, "1")
    await say(dingtalk, ALICE, "旧电脑坏了需要更换")
    await say(dingtalk, ALICE, "提交")
    assert "**1** 同意" in dingtalk.fake.texts_to(dm(BOB))[-1]


@pytest.fixture
async def eavesdropper() -> AsyncIterator[FakeDingTalk]:
    """A server that is not DingTalk, answering sessionWebhook posts as DingTalk would."""
    evil = await FakeDingTalk().start()
    yield evil
    await evil.close()


async def test_headers_of_alices_message_cannot_carry_bobs_approval(
    dingtalk_http: DingTalkHarness,
) -> None:
    await file_the_laptop_over_http(dingtalk_http)
    headers = signed()
    genuine = dingtalk_http.message(ALICE, "我的申请")
    assert (await dingtalk_http.post(genuine, headers)).status == 200

    forged = dingtalk_http.message(BOB, "1")  # bob's "1" = Approve on his card
    assert (await dingtalk_http.post(forged, headers)).status == 401
    await dingtalk_http.settle()
    assert await status_of(dingtalk_http) == "pending_approval"
    assert not [e for e in await trail(dingtalk_http) if e.action == "approval.approved"]
    assert forged["msgId"] not in await dingtalk_http.inbound_ids()

    assert (await dingtalk_http.post(genuine, headers)).status == 200  # a redelivery
    await dingtalk_http.settle()
    assert (await dingtalk_http.inbound_ids()).count(genuine["msgId"]) == 1


async def test_a_pair_used_on_one_replica_is_refused_on_another(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    settings = dingtalk_settings(tmp_path, fake_dingtalk, mode="http", card_template_id="")
    async with running(settings, fake_dingtalk) as first, \
            running(settings, fake_dingtalk) as second:
        headers = signed()
        assert (await first.post(first.message(ALICE, "我的申请"), headers)).status == 200
        forged = second.message(BOB, "我的审批")
        assert (await second.post(forged, headers)).status == 401
        await first.settle()
        await second.settle()
        assert forged["msgId"] not in await second.inbound_ids()
        assert fake_dingtalk.to(dm(ALICE)) and not fake_dingtalk.to(dm(BOB))


async def test_a_signed_timestamp_minutes_old_is_refused(dingtalk_http: DingTalkHarness
                                                         ) -> None:
    ten_minutes_ago = int(time.time() * 1000) - 10 * 60 * 1000
    message = dingtalk_http.message(ALICE, LAPTOP)
    response = await dingtalk_http.post(message, signed(timestamp=ten_minutes_ago))
    assert response.status == 401
    await dingtalk_http.settle()
    assert dingtalk_http.fake.sent == [] and await dingtalk_http.inbound_ids() == []
    just_now = int(time.time() * 1000) - 5_000
    assert (await dingtalk_http.post(message, signed(timestamp=just_now))).status == 200


async def test_a_session_webhook_elsewhere_is_never_used(
    dingtalk_http: DingTalkHarness, eavesdropper: FakeDingTalk,
) -> None:
    await file_the_laptop_over_http(dingtalk_http)
    elsewhere = payloads.robot_message(BOB, "我的审批",
                                       webhook=eavesdropper.session_webhook(dm(BOB)),
                                       webhook_expires_ms=YEAR_2100_MS)
    assert (await dingtalk_http.post(elsewhere)).status == 200
    await dingtalk_http.settle()
    await say(dingtalk_http, ALICE, "我要申请一台笔记本，预算500")  # more for bob, later
    await say(dingtalk_http, ALICE, "1")
    await say(dingtalk_http, ALICE, "旧电脑坏了需要更换")
    await say(dingtalk_http, ALICE, "提交")
    assert eavesdropper.sent == [] and eavesdropper.calls == []
    to_bob = dingtalk_http.fake.to(dm(BOB))
    assert to_bob and {s.via for s in to_bob} == {"batchSend"}
    assert "REQ-2" in "\n".join(s.text for s in to_bob)


async def test_a_session_webhook_is_kept_no_longer_than_dingtalk_keeps_it(
    dingtalk_http: DingTalkHarness,
) -> None:
    """On DingTalk's host, but claiming to last until 2100: kept until ``createAt`` + 90 min."""
    written = int(time.time() * 1000) - payloads.WEBHOOK_LIFETIME_MS + 30_000
    message = dingtalk_http.message(BOB, "我的审批")
    message.update(createAt=written, sessionWebhookExpiredTime=YEAR_2100_MS)
    assert (await dingtalk_http.post(message)).status == 200
    await dingtalk_http.settle()
    replies = dingtalk_http.fake.to(dm(BOB))
    assert replies and {s.via for s in replies} == {"batchSend"}  # 30 s left: too little
    assert dingtalk_http.fake.calls_to(BATCH_SEND)
