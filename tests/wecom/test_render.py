"""Neutral messages -> WeCom text, markdown and template cards, within WeCom's limits."""

from __future__ import annotations

import pytest

from adapters.kit.choices import pick
from adapters.kit.text import bilingual, clip_bytes
from adapters.wecom.channel import WeComChannel
from adapters.wecom.render import RenderError, card_update, for_chat, for_person
from chat.channel import degrade
from chat.replies import Button, Card, CardField, Text
from tests.wecom.fake_qyapi import card_problem, message_problem

APPROVAL = Card(
    title="审批 REQ-7「VPN 开通」", body="请审批",
    fields=(CardField("申请人", "王小丽 (Engineering)"), CardField("预算", "¥8,000"),
            CardField("原因", "出差期间需要访问内网的代码仓库和构建服务器，时间是下周一到周五"),
            CardField("本步审批人", "赵强：待审批\n孙伟：待审批")),
    buttons=(Button("同意", "apr:7:bob:approve", "7", "primary"),
             Button("驳回", "apr:7:bob:reject", "7", "danger"), Button("详情", "st:7")),
    footer="也可以回复「同意 REQ-7 意见」。")


def test_a_text_is_text_cut_to_2048_bytes() -> None:
    assert for_person(Text("你好"), "t1").body == {"content": "你好"}
    long = for_person(Text("好" * 1000), "t1")
    assert long.msgtype == "text" and len(long.body["content"].encode()) <= 2048
    assert long.body["content"].endswith("…")


def test_a_card_with_buttons_is_a_button_interaction_card() -> None:
    out = for_person(APPROVAL, "esm-1")
    card = out.body
    assert out.msgtype == "template_card" and card_problem(card, needs_task_id=True) is None
    assert card["task_id"] == "esm-1" and card["card_type"] == "button_interaction"
    assert card["main_title"] == {"title": "审批 REQ-7「VPN 开通」", "desc": "请审批"}
    assert card["horizontal_content_list"] == [
        {"keyname": "申请人", "value": "王小丽 (Engineering)"},
        {"keyname": "预算", "value": "¥8,000"}]
    # long or multi-line values go below, whole, then the footer
    assert card["sub_title_text"] == (
        "原因：出差期间需要访问内网的代码仓库和构建服务器，时间是下周一到周五\n"
        "本步审批人：\n赵强：待审批\n孙伟：待审批\n也可以回复「同意 REQ-7 意见」。")
    assert card["button_list"] == [
        {"text": "同意", "key": "apr:7:bob:approve", "style": 1},
        {"text": "驳回", "key": "apr:7:bob:reject", "style": 2},
        {"text": "详情", "key": "st:7"}]


def test_at_most_six_fields_sit_side_by_side() -> None:
    fields = tuple(CardField(f"项{i}", str(i)) for i in range(8))
    card = for_person(Card(title="t", fields=fields, buttons=(Button("ok", "x"),)), "t").body
    assert len(card["horizontal_content_list"]) == 6
    assert card["sub_title_text"] == "项6：6\n项7：7"


def test_a_card_without_a_title_takes_its_first_line() -> None:
    card = for_person(Card(title="", body="第一行\n第二行", buttons=(Button("ok", "x"),)), "t")
    assert card.body["main_title"] == {"title": "第一行", "desc": "第二行"}


def test_a_card_without_buttons_is_markdown() -> None:
    out = for_person(Card(title="REQ-1", body="进度", fields=(CardField("状态", "审批中"),),
                          footer="回复「撤回 REQ-1」可撤回"), "t")
    assert out.msgtype == "markdown" and not out.choices
    assert out.body["content"] == ("**REQ-1**\n进度\n状态：审批中\n"
                                   '<font color="comment">回复「撤回 REQ-1」可撤回</font>')


def test_more_than_six_buttons_are_numbered_choices() -> None:
    buttons = tuple(Button(f"服务{i}", f"pick:s{i}") for i in range(1, 8))
    out = for_person(degrade(Card(title="选一个", buttons=buttons), WeComChannel.capabilities), "t")
    assert out.msgtype == "markdown" and out.choices == buttons
    assert "回复数字选择" in out.body["content"] and "7. 服务7" in out.body["content"]
    assert message_problem({"msgtype": "markdown", "markdown": out.body}) is None


def test_a_group_chat_gets_no_buttons() -> None:
    out = for_chat(APPROVAL)
    assert out.msgtype == "markdown" and "详情" not in out.body["content"]  # a button only
    assert "1. 同意" not in out.body["content"] and not out.choices
    assert for_chat(Text("hi")).body == {"content": "hi"}


def test_an_update_is_a_card_without_task_id_and_a_text_greys_the_buttons() -> None:
    update = card_update(APPROVAL)
    assert update is not None and "task_id" not in update
    assert card_problem(update, needs_task_id=False) is None
    text = card_update(Text("已撤回\nREQ-7 已被申请人撤回"))
    assert text == {"card_type": "button_interaction",
                    "main_title": {"title": "已撤回", "desc": "REQ-7 已被申请人撤回"},
                    "replace_text": bilingual("adapter.done")}
    many = Card(title="x", buttons=tuple(Button(str(i), f"a{i}") for i in range(7)))
    assert card_update(many) is None


def test_buttons_that_cannot_carry_their_action_are_refused() -> None:
    with pytest.raises(RenderError):
        for_person(Card(title="x", buttons=(Button("a", "same"), Button("b", "same"))), "t")
    with pytest.raises(RenderError):
        for_person(Card(title="x", buttons=(Button("a", "键" * 400),)), "t")  # 1,200 bytes


def test_long_titles_and_labels_are_cut_to_what_wecom_shows() -> None:
    card = for_person(Card(title="标" * 50, buttons=(Button("按" * 30, "x"),)), "t").body
    assert len(card["main_title"]["title"]) == 36 and card["main_title"]["title"][-1] == "…"
    assert len(card["button_list"][0]["text"]) == 20


def test_pick_reads_a_number_or_a_label() -> None:
    choices = (Button("Standard", "a"), Button("高性能本", "b"))
    assert pick(choices, "2") == choices[1]
    assert pick(choices, " standard ") == choices[0]
    assert pick(choices, "3") is None and pick(choices, "0") is None and pick((), "1") is None


def test_clip_bytes_never_splits_a_character() -> None:
    assert clip_bytes("ab", 2) == "ab"
    cut = clip_bytes("好好好", 7)  # 9 bytes: 3 for "…" leave 4, i.e. one whole 好
    assert cut == "好…"
