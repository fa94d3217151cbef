"""Slack payloads -> neutral events (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.addressing import split_conversation
from adapters.slack.inbound import clean_text, clicks_from_block_actions, messages_from_callback
from chat.events import ConversationKey, MessageRef
from tests.slack import payloads
from tests.slack.payloads import BOT


def test_a_dm_is_a_message_in_the_direct_conversation() -> None:
    body = payloads.event_callback(payloads.dm("U01ALICE", "我要申请笔记本"), event_id="Ev1")
    [message] = messages_from_callback(body)
    assert message.key == ConversationKey("slack", "T0DEMO", "", "U01ALICE")
    assert message.event_id == "Ev1" and message.text == "我要申请笔记本"
    assert message.received_at == datetime.fromtimestamp(1700000000, tz=UTC)


def test_a_mention_is_keyed_to_its_thread_without_the_mention() -> None:
    event = payloads.mention("U01ALICE", "VPN &amp; 邮箱", ts="171.1", thread_ts="170.5")
    [message] = messages_from_callback(payloads.event_callback(event))
    assert message.key.conversation == "C0GENERAL/170.5" and message.key.thread == "170.5"
    assert message.text == "VPN & 邮箱"
    assert split_conversation(message.key.conversation) == ("C0GENERAL", "170.5")


def test_a_mention_outside_a_thread_starts_one_on_itself() -> None:
    [message] = messages_from_callback(payloads.event_callback(
        payloads.mention("U01ALICE", "hi", ts="171.1")))
    assert message.key.conversation == "C0GENERAL/171.1"


def test_bots_edits_and_channel_chatter_are_ignored() -> None:
    ignored = [
        payloads.dm(BOT, "our own card"),
        payloads.dm("U01ALICE", "x", bot_id="B1"),
        payloads.dm("U01ALICE", "x", subtype="message_changed"),
        payloads.dm("U01ALICE", "x", subtype="channel_join"),
        {**payloads.dm("U01ALICE", "x"), "channel_type": "channel"},
        {"type": "reaction_added", "user": "U01ALICE"},
    ]
    for event in ignored:
        assert messages_from_callback(payloads.event_callback(event)) == []
    assert messages_from_callback({"type": "url_verification", "challenge": "x"}) == []


def test_our_user_id_from_settings_wins_when_authorizations_are_missing() -> None:
    body = payloads.event_callback(payloads.dm("U0OTHERBOT", "x"))
    body["authorizations"] = []
    assert messages_from_callback(body, "U0OTHERBOT") == []
    assert len(messages_from_callback(body)) == 1


def test_slack_markup_becomes_what_was_typed() -> None:
    assert clean_text(f"<@{BOT}>  委托 <@U01CAROL> 代批", BOT) == "委托 <@U01CAROL> 代批"
    assert clean_text("<@U9|esm> hi") == "hi"
    assert clean_text("mail <mailto:a@b.cn|a@b.cn> or <https://x.cn/p>") == "mail a@b.cn or https://x.cn/p"
    assert clean_text("line1\nline2 &lt;3") == "line1\nline2 <3"


def test_a_click_in_a_dm_is_keyed_to_the_dm_and_points_at_its_card() -> None:
    body = payloads.block_actions("U01BOB", "apr:1:bob:approve", value="1",
                                  message_ts="1700.1", action_ts="1701.5")
    [click] = clicks_from_block_actions(body)
    assert click.event.key == ConversationKey("slack", "T0DEMO", "", "U01BOB")
    assert click.event.event_id == "act:1701.5:U01BOB"
    assert (click.event.action_id, click.event.value) == ("apr:1:bob:approve", "1")
    assert click.event.source == MessageRef("slack", "D01BOB", "1700.1")
    assert click.trigger_id == "111.222.trigger"


def test_a_click_in_a_channel_thread_is_keyed_to_that_thread() -> None:
    body = payloads.block_actions("U01ALICE", "dlg:1:set:model:std", channel="C0GENERAL",
                                  message_ts="1700.9", thread_ts="1700.1")
    [click] = clicks_from_block_actions(body)
    assert click.event.key.conversation == "C0GENERAL/1700.1"
    assert click.event.source == MessageRef("slack", "C0GENERAL", "1700.9")


def test_clicks_in_modals_and_non_buttons_are_ignored() -> None:
    body = payloads.block_actions("U01BOB", "x")
    body["container"] = {"type": "view", "view_id": "V1"}
    assert clicks_from_block_actions(body) == []
    menu = payloads.block_actions("U01BOB", "x")
    menu["actions"][0]["type"] = "static_select"
    assert clicks_from_block_actions(menu) == []


def test_an_ephemeral_card_cannot_be_updated() -> None:
    body = payloads.block_actions("U01BOB", "x")
    body["container"]["is_ephemeral"] = True
    [click] = clicks_from_block_actions(body)
    assert click.event.source is None
