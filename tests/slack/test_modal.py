"""The reject-reason modal: what it carries, and the one click its submission becomes."""

from __future__ import annotations

from typing import Any

from adapters.slack.channel import SlackChannel
from adapters.slack.inbound import clicks_from_block_actions
from adapters.slack.modal import click_from_submission, reject_modal
from adapters.slack.receiver import SlackReceiver
from adapters.slack.render import button_element
from chat.events import ActionInvoked, InboundEvent
from chat.replies import Button
from tests.slack import payloads

REJECT = button_element(Button("驳回", "apr:3:bob:reject", "3", needs_reason=True))["action_id"]


def a_reject_click(**extra: Any) -> ActionInvoked:
    body = payloads.block_actions("U01BOB", REJECT, value="3", channel="C0OPS",
                                  message_ts="1700.9", thread_ts="1700.1", **extra)
    return clicks_from_block_actions(body)[0].event


def test_only_buttons_that_need_a_reason_ask_for_one() -> None:
    def asks(button: Button) -> bool:
        body = payloads.block_actions("U01BOB", button_element(button)["action_id"])
        [click] = clicks_from_block_actions(body)
        assert click.event.action_id == button.action_id  # the core's id, as it made it
        return click.needs_reason

    assert asks(Button("驳回", "apr:3:bob:reject", needs_reason=True))
    assert not asks(Button("同意", "apr:3:bob:approve")) and not asks(Button("x", "rejected"))


def test_the_submission_replays_the_click_carrying_the_reason_in_its_conversation() -> None:
    click = a_reject_click()
    view = reject_modal(click)
    assert view is not None and view["blocks"][0]["element"]["multiline"] is True
    body = payloads.view_submission("U01BOB", view["private_metadata"], " 预算超标 ", view_id="V7")
    assert click_from_submission(body) == ActionInvoked(
        click.key, "view:V7:click", "apr:3:bob:reject", "3", click.source, text="预算超标")


def test_a_click_too_big_for_private_metadata_gets_no_modal() -> None:
    click = a_reject_click()
    assert reject_modal(ActionInvoked(click.key, "e", click.action_id, "v" * 3000)) is None


def test_foreign_or_broken_submissions_become_nothing() -> None:
    assert click_from_submission(payloads.view_submission("U1", "{}", "x")) is None
    assert click_from_submission(payloads.view_submission("U1", "not json", "x")) is None
    assert click_from_submission(payloads.view_submission("U1", '{"a":"x"}', "x",
                                                          callback_id="other")) is None


class RecordingChannel(SlackChannel):
    def __init__(self, opens: bool) -> None:
        super().__init__(client=None, bot_user_id="U0ESMBOT")  # type: ignore[arg-type]
        self.opens = opens
        self.views: list[dict[str, Any]] = []
        self.heard: list[InboundEvent] = []

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> bool:
        self.views.append(view)
        return self.opens

    async def hear(self, event: InboundEvent) -> None:
        self.heard.append(event)


async def test_the_core_hears_the_click_only_after_the_reason() -> None:
    channel = RecordingChannel(opens=True)
    await channel.start(channel.hear)
    receiver = SlackReceiver(channel)
    await receiver.on_action(payloads.block_actions("U01BOB", REJECT))
    await channel.tasks.join()
    assert channel.heard == [] and len(channel.views) == 1
    metadata = channel.views[0]["private_metadata"]
    assert await receiver.on_view_submission(payloads.view_submission("U01BOB", metadata, "")) \
        == {"reason": "请写下原因 · Please give a reason"}
    done = await receiver.on_view_submission(payloads.view_submission("U01BOB", metadata, "不需要"))
    assert done is None
    await channel.tasks.join()
    [heard] = channel.heard
    assert isinstance(heard, ActionInvoked)
    assert (heard.action_id, heard.text) == ("apr:3:bob:reject", "不需要")


async def test_without_a_modal_the_click_goes_straight_to_the_core() -> None:
    channel = RecordingChannel(opens=False)
    await channel.start(channel.hear)
    await SlackReceiver(channel).on_action(payloads.block_actions("U01BOB", REJECT))
    await channel.tasks.join()
    assert [e.action_id for e in channel.heard if isinstance(e, ActionInvoked)] \
        == ["apr:3:bob:reject"]
