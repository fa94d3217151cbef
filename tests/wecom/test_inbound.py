"""Decrypted callbacks -> neutral events (pure), including the documented samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.wecom.crypto import parse_xml, signature
from adapters.wecom.inbound import CHANNEL, CardClick, Entered, event_id, fields_of, translate
from adapters.wecom.web import query_params
from chat.events import ActionInvoked, ConversationKey, MessageReceived, MessageRef

CORP, AGENT = "ww0esmbotdemo", 1000002
# The official template_card_event sample (CHANNELS.md §2.3), with our AgentID.
CARD_EVENT = """<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[template_card_event]]></Event>
<EventKey><![CDATA[key111]]></EventKey>
<TaskId><![CDATA[taskid111]]></TaskId>
<CardType><![CDATA[text_notice]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode>
<AgentID>1000002</AgentID>
<SelectedItems>
    <SelectedItem>
        <QuestionKey><![CDATA[QuestionKey1]]></QuestionKey>
        <OptionIds><OptionId><![CDATA[OptionId1]]></OptionId></OptionIds>
    </SelectedItem>
</SelectedItems>
</xml>"""
# The Tencent sample's decrypted text message (Set C of CHANNELS.md §2.8): no CDATA at all.
TEXT = ("<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun"
        "</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好"
        "</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>")


def fields(xml: str) -> dict[str, str]:
    return fields_of(parse_xml(xml))


def key(user: str) -> ConversationKey:
    return ConversationKey(CHANNEL, CORP, "", user)


def test_a_text_message_is_a_message_from_the_members_direct_conversation() -> None:
    event = translate(fields(TEXT), corp_id=CORP, agent_id=AGENT)
    assert event == MessageReceived(key("ChenJiaShun"), "1456453720", "你好",
                                    datetime(2016, 10, 14, 5, 26, 19, tzinfo=UTC))


def test_a_card_click_carries_the_card_and_its_response_code() -> None:
    click = translate(fields(CARD_EVENT), corp_id=CORP, agent_id=AGENT)
    assert isinstance(click, CardClick)
    at = datetime.fromtimestamp(123456789, tz=UTC)
    assert click == CardClick(
        ActionInvoked(key("FromUser"), "FromUser:123456789:template_card_event:taskid111:key111",
                      "key111", source=MessageRef(CHANNEL, "FromUser", "taskid111",
                                                  "ResponseCode", at + timedelta(hours=72)),
                      received_at=at),
        "taskid111", "ResponseCode")


def test_events_are_told_apart_by_member_time_kind_and_key() -> None:
    entered = fields("<xml><FromUserName>a</FromUserName><CreateTime>9</CreateTime>"
                     "<MsgType>event</MsgType><Event>enter_agent</Event><EventKey></EventKey>"
                     "</xml>")
    assert event_id(entered) == "a:9:enter_agent"
    assert translate(entered, corp_id=CORP, agent_id=AGENT) == \
        Entered(key("a"), "a:9:enter_agent", datetime.fromtimestamp(9, tz=UTC))
    menu = fields("<xml><FromUserName>a</FromUserName><CreateTime>9</CreateTime>"
                  "<MsgType>event</MsgType><Event>click</Event><EventKey>mine</EventKey></xml>")
    assert translate(menu, corp_id=CORP, agent_id=AGENT) == ActionInvoked(
        key("a"), "a:9:click::mine", "mine", received_at=datetime.fromtimestamp(9, tz=UTC))


def test_what_esmbot_does_not_answer_is_none() -> None:
    image = TEXT.replace("<MsgType>text</MsgType>", "<MsgType>image</MsgType>")
    other_app = TEXT.replace("<AgentID>1000002</AgentID>", "<AgentID>7</AgentID>")
    no_sender = TEXT.replace("<FromUserName>ChenJiaShun</FromUserName>", "")
    location = ("<xml><FromUserName>a</FromUserName><CreateTime>9</CreateTime>"
                "<MsgType>event</MsgType><Event>LOCATION</Event></xml>")
    keyless = CARD_EVENT.replace("<EventKey><![CDATA[key111]]></EventKey>", "")
    for xml in (image, other_app, no_sender, location, keyless):
        assert translate(fields(xml), corp_id=CORP, agent_id=AGENT) is None


def test_the_query_is_read_raw_so_a_plus_stays_a_plus() -> None:
    assert query_params("echostr=a%2Bb+c%3D%3D&nonce=1&nonce=2") == \
        {"echostr": "a+b+c==", "nonce": "1"}


def test_the_signature_is_the_sorted_sha1_wechatpy_checks() -> None:
    # Set A of CHANNELS.md §2.8 (URL verification)
    assert signature("123456", "1411443780", "437374425",
                     "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9B"
                     "v41n7hOchLF6p+Q==") == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
