"""HTTP mode at ``POST /dingtalk/callback`` (signed requests), and cards without a template:
markdown with numbered replies that the adapter maps back to the buttons."""

from __future__ import annotations

import time

from tests.dingtalk.conftest import DingTalkHarness, signed
from tests.dingtalk.fake_dingtalk import BATCH_SEND, CREATE_AND_DELIVER, OPEN_PATH, WEBHOOK_PATH
from tests.dingtalk.steps import ALICE, BOB, CAROL, IT_DESK, LAPTOP, dm, status_of


async def say(dingtalk: DingTalkHarness, staff_id: str, text: str, group: str = "") -> None:
    response = await dingtalk.post(dingtalk.message(staff_id, text, group=group))
    assert response.status == 200
    await dingtalk.settle()


async def test_a_signed_message_is_answered_and_no_stream_is_opened(
    dingtalk_http: DingTalkHarness,
) -> None:
    await say(dingtalk_http, ALICE, LAPTOP)
    [greeting, question] = dingtalk_http.fake.to(dm(ALICE))
    assert greeting.via == question.via == "webhook"
    assert "型号" in question.text and "回复数字选择" in question.text
    assert "**1** 标准办公本" in question.text
    assert not dingtalk_http.fake.calls_to(OPEN_PATH)
    assert not dingtalk_http.fake.calls_to(CREATE_AND_DELIVER)


async def test_a_wrong_sign_is_refused_and_nothing_happens(dingtalk_http: DingTalkHarness
                                                           ) -> None:
    response = await dingtalk_http.post(dingtalk_http.message(ALICE, LAPTOP),
                                        signed(secret="not-our-secret"))
    assert response.status == 401
    await dingtalk_http.settle()
    assert dingtalk_http.fake.sent == []
    assert await dingtalk_http.inbound_ids() == []


async def test_a_stale_timestamp_is_refused_even_when_signed(dingtalk_http: DingTalkHarness
                                                             ) -> None:
    stale = int(time.time() * 1000) - 60 * 60 * 1000 - 60_000
    response = await dingtalk_http.post(dingtalk_http.message(ALICE, LAPTOP),
                                        signed(timestamp=stale))
    assert response.status == 401
    missing = await dingtalk_http.post(dingtalk_http.message(ALICE, LAPTOP), {})
    assert missing.status == 401
    await dingtalk_http.settle()
    assert dingtalk_http.fake.sent == [] and await dingtalk_http.inbound_ids() == []


async def test_a_repeated_msg_id_is_processed_once(dingtalk_http: DingTalkHarness) -> None:
    message = dingtalk_http.message(ALICE, LAPTOP, msg_id="msgHTTPTWICE")
    assert (await dingtalk_http.post(message)).status == 200
    await dingtalk_http.settle()
    answered = len(dingtalk_http.fake.sent)
    assert (await dingtalk_http.post(message)).status == 200
    await dingtalk_http.settle()
    assert answered > 0 and len(dingtalk_http.fake.sent) == answered
    assert await dingtalk_http.inbound_ids() == ["msgHTTPTWICE"]


async def test_without_a_template_numbers_do_what_buttons_do(dingtalk_http: DingTalkHarness
                                                             ) -> None:
    fake = dingtalk_http.fake
    await say(dingtalk_http, ALICE, LAPTOP)
    await say(dingtalk_http, ALICE, "1")  # 标准办公本
    assert "申请原因" in fake.texts_to(dm(ALICE))[-1]
    await say(dingtalk_http, ALICE, "旧电脑坏了需要更换")
    assert "提交" in fake.texts_to(dm(ALICE))[-1]
    await say(dingtalk_http, ALICE, "提交")  # a label works as well as its number
    assert "已提交 REQ-1" in "\n".join(fake.texts_to(dm(ALICE)))

    # bob never wrote to the robot: his card goes by the OpenAPI, as markdown
    [card] = [c for c in fake.calls_to(BATCH_SEND) if c.body["userIds"] == [BOB]]
    assert card.body["msgKey"] == "sampleMarkdown" and isinstance(card.body["msgParam"], str)
    approval = fake.texts_to(dm(BOB))[-1]
    assert "**1** 同意" in approval and "**2** 驳回" in approval
    await say(dingtalk_http, BOB, "1")
    assert await status_of(dingtalk_http) == "in_progress"
    to_bob = fake.texts_to(dm(BOB))
    assert "已同意 REQ-1。" in to_bob
    # the card cannot be edited: its new state comes as a new message, with new numbers
    assert "赵强：已同意" in to_bob[-1] and "**1** 详情" in to_bob[-1]


async def test_a_number_after_a_plain_question_is_just_text(dingtalk_http: DingTalkHarness
                                                            ) -> None:
    await say(dingtalk_http, ALICE, LAPTOP)
    await say(dingtalk_http, ALICE, "1")
    assert "申请原因" in dingtalk_http.fake.texts_to(dm(ALICE))[-1]  # a plain question
    await say(dingtalk_http, ALICE, "2")  # the reason is "2", not a click on the model card
    ids = await dingtalk_http.inbound_ids()
    assert len(ids) == 3 and "型号" not in dingtalk_http.fake.texts_to(dm(ALICE))[-1]


async def test_a_mention_in_a_group_is_answered_in_the_group_notifying_the_sender(
    dingtalk_http: DingTalkHarness,
) -> None:
    await say(dingtalk_http, CAROL, "我的任务", group=IT_DESK)
    replies = dingtalk_http.fake.to(IT_DESK)
    assert replies and all(r.via == "webhook" for r in replies)
    [hook] = dingtalk_http.fake.calls_to(WEBHOOK_PATH)[:1]
    assert hook.body["at"] == {"atUserIds": [CAROL]}
    assert not dingtalk_http.fake.to(dm(CAROL))


async def test_a_person_outside_the_directory_is_told_so(dingtalk_http: DingTalkHarness
                                                         ) -> None:
    await say(dingtalk_http, "0999999999", "你好")
    [reply] = dingtalk_http.fake.to(dm("0999999999"))
    assert reply.text


async def test_healthz_lists_the_dingtalk_channel(dingtalk_http: DingTalkHarness) -> None:
    response = await dingtalk_http.http.get("/healthz")
    assert "dingtalk" in (await response.json())["channels"]
