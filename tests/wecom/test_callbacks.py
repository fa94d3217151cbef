"""``/wecom/callback`` with callbacks built by wechatpy: forged, retried, greeted, ignored."""

from __future__ import annotations

from tests.wecom import callbacks
from tests.wecom.conftest import CALLBACK, WeComHarness
from tests.wecom.steps import ALICE, BOB, CAROL, card_with, file_the_laptop, status_of, trail

LAPTOP = "我要申请一台笔记本，预算8000"


async def test_a_member_asks_in_chinese_and_gets_the_form_card(wecom: WeComHarness) -> None:
    await wecom.say(ALICE, LAPTOP)
    first, card = wecom.fake.sends_to(ALICE)
    assert first.args["msgtype"] == "text" and "¥8,000" in first.text
    assert card.args["msgtype"] == "template_card" and card.args["agentid"] == 1000002
    assert [b["text"] for b in card.buttons] == ["标准办公本", "高性能本"]


async def test_a_forged_signature_is_refused_and_nothing_happens(wecom: WeComHarness) -> None:
    response = await wecom.post(callbacks.text(ALICE, LAPTOP), msg_signature="0" * 40)
    assert response.status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == []
    assert wecom.fake.calls_to("message/send", ok=None) == []


async def test_a_body_signed_with_another_token_is_refused(wecom: WeComHarness) -> None:
    sealed = callbacks.seal(callbacks.text(ALICE, LAPTOP), token="not-our-token")
    response = await wecom.post("", sealed=sealed)
    assert response.status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == []


async def test_a_message_for_another_corp_is_refused(wecom: WeComHarness) -> None:
    sealed = callbacks.seal(callbacks.text(ALICE, LAPTOP), corp_id="ww0another")
    response = await wecom.post("", sealed=sealed)
    assert response.status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == []


async def test_a_message_sealed_with_another_aes_key_is_refused(wecom: WeComHarness) -> None:
    other_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # signed right, sealed wrong
    sealed = callbacks.seal(callbacks.text(ALICE, LAPTOP), aes_key=other_key)
    response = await wecom.post("", sealed=sealed)
    assert response.status == 403
    await wecom.settle()
    assert await wecom.inbound_ids() == []


async def test_requests_that_are_not_callbacks_are_bad_requests(wecom: WeComHarness) -> None:
    assert (await wecom.http.post(CALLBACK, data=b"<xml/>")).status == 400
    assert (await wecom.http.get(f"{CALLBACK}?msg_signature=a&timestamp=1")).status == 400
    query = "msg_signature=a&timestamp=1&nonce=2"
    assert (await wecom.http.post(f"{CALLBACK}?{query}", data=b"not xml")).status == 400
    assert (await wecom.http.post(f"{CALLBACK}?{query}", data=b"<xml><A>1</A></xml>")).status \
        == 400


async def test_a_retried_message_is_answered_200_and_processed_once(
    wecom: WeComHarness,
) -> None:
    sealed = callbacks.seal(callbacks.text(ALICE, LAPTOP, msg_id="4561255354251345929"))
    first = await wecom.post("", sealed=sealed)
    await wecom.settle()
    answered = len(wecom.fake.sends_to(ALICE))
    retry = await wecom.post("", sealed=sealed)  # WeCom got no answer in 5 s and asks again
    await wecom.settle()
    assert first.status == retry.status == 200
    assert answered > 0 and len(wecom.fake.sends_to(ALICE)) == answered
    assert await wecom.inbound_ids() == ["4561255354251345929"]


async def test_a_retried_click_is_processed_once(wecom: WeComHarness) -> None:
    await file_the_laptop(wecom)
    approval = card_with(wecom, BOB, "apr:1:bob:approve")
    click = callbacks.card_click(BOB, approval.task_id, "apr:1:bob:approve",
                                 wecom.fake.click_code(approval.task_id), create_time=1_900_000)
    for _ in range(2):
        assert (await wecom.post(click)).status == 200
        await wecom.settle()
    assert len([e for e in await trail(wecom) if e.action == "approval.approved"]) == 1
    assert f"{BOB}:1900000:template_card_event:{approval.task_id}:apr:1:bob:approve" in \
        await wecom.inbound_ids()
    assert len(wecom.fake.updates_of(approval)) == 1


async def test_entering_the_app_greets_with_help_once(wecom: WeComHarness) -> None:
    await wecom.enter(ALICE)
    [greeting] = wecom.fake.sends_to(ALICE)
    assert {b["key"] for b in greeting.buttons} == {"cat", "mine"}  # the core's help card
    await wecom.enter(ALICE)  # WeCom reports every visit: one greeting is enough
    assert len(wecom.fake.sends_to(ALICE)) == 1


async def test_a_retried_enter_agent_is_processed_once(wecom: WeComHarness) -> None:
    entered = callbacks.event(ALICE, "enter_agent", create_time=1_800_000)
    for _ in range(2):
        assert (await wecom.post(entered)).status == 200
        await wecom.settle()
    assert await wecom.inbound_ids() == [f"{ALICE}:1800000:enter_agent"]


async def test_a_menu_click_is_an_action(wecom: WeComHarness) -> None:
    await wecom.post(callbacks.event(ALICE, "click", EventKey="mine"))
    await wecom.settle()
    [answer] = wecom.fake.sends_to(ALICE)
    assert "申请" in answer.text


async def test_what_esmbot_does_not_answer_is_acknowledged_and_ignored(
    wecom: WeComHarness,
) -> None:
    image = callbacks.text(ALICE, "x").replace("<MsgType><![CDATA[text]]>",
                                               "<MsgType><![CDATA[image]]>")
    another_app = callbacks.text(ALICE, LAPTOP, agent_id=1000003)
    unsubscribe = callbacks.event(ALICE, "unsubscribe")
    for plain in (image, another_app, unsubscribe):
        response = await wecom.post(plain)
        assert (response.status, await response.text()) == (200, "")
    await wecom.settle()
    assert await wecom.inbound_ids() == []
    assert wecom.fake.calls_to("message/send", ok=None) == []


async def test_a_click_by_someone_who_may_not_decide_is_refused(wecom: WeComHarness) -> None:
    await file_the_laptop(wecom)
    approval = card_with(wecom, BOB, "apr:1:bob:approve")
    forged = callbacks.card_click(CAROL, approval.task_id, "apr:1:bob:approve",
                                  wecom.fake.click_code(approval.task_id))
    assert (await wecom.post(forged)).status == 200
    await wecom.settle()
    [refusal] = wecom.fake.sends_to(CAROL)
    assert "REQ-1 的当前环节不需要你审批" in refusal.text and not refusal.buttons
    assert await status_of(wecom) == "pending_approval"
    assert not [e for e in await trail(wecom) if e.action == "approval.approved"]
    assert wecom.fake.calls_to("message/update_template_card", ok=None) == []
    assert [b["key"] for b in wecom.fake.card_now(approval).buttons][:2] == \
        ["apr:1:bob:approve", "apr:1:bob:reject"]  # bob's card still asks him


async def test_bob_rejects_gives_the_reason_in_chat_and_his_card_is_updated(
    wecom: WeComHarness,
) -> None:
    await file_the_laptop(wecom)
    approval = card_with(wecom, BOB, "apr:1:bob:approve")
    await wecom.tap(BOB, approval, "驳回")
    assert "原因" in wecom.fake.texts_to(BOB)[-1]  # the core asks in chat
    assert wecom.fake.updates_of(approval) == []
    await wecom.say(BOB, "预算超标")
    [update] = wecom.fake.updates_of(approval)  # spent the code the Reject click brought
    assert "预算超标" in wecom.fake.card_now(approval).text
    assert "已驳回 REQ-1" in "\n".join(wecom.fake.texts_to(BOB))
    assert "预算超标" in wecom.fake.texts_to(ALICE)[-1]
    assert update.args["response_code"] != approval.response["response_code"]


async def test_healthz_lists_the_wecom_channel(wecom: WeComHarness) -> None:
    response = await wecom.http.get("/healthz")
    assert "wecom" in (await response.json())["channels"]
