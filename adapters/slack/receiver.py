"""What happens to each kind of Slack request before it is acknowledged: its events are
written to the core's inbox (``accept``; a failure raises and Slack gets no ack, so it
retries); the turns and anything that calls Slack run after the ack."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.kit.text import bilingual
from adapters.slack import inbound, modal
from adapters.slack.addressing import is_direct
from adapters.slack.channel import SlackChannel
from adapters.slack.inbound import Click


class SlackReceiver:
    def __init__(self, channel: SlackChannel) -> None:
        self.channel = channel

    async def on_event(self, body: Mapping[str, Any]) -> None:
        """``event_callback``: a DM or a mention goes to the core."""
        for message in inbound.messages_from_callback(body, self.channel.bot_user_id):
            self._remember_dm(message.key.user, str((body.get("event") or {}).get("channel") or ""))
            await self.channel.accept(message)

    async def on_action(self, body: Mapping[str, Any]) -> None:
        """``block_actions``: a click that needs a reason first asks for it; others go to the
        core."""
        for click in inbound.clicks_from_block_actions(body):
            if click.event.source is not None:
                self._remember_dm(click.event.key.user, click.event.source.conversation)
            if click.needs_reason and click.trigger_id:
                self.channel.tasks.spawn(self._ask_reason(click), name=click.event.event_id)
            else:
                await self.channel.accept(click.event)

    async def on_view_submission(self, body: Mapping[str, Any]) -> dict[str, str] | None:
        """The reason modal: errors to show in it, or None once the click (carrying the
        reason) is on its way."""
        if not modal.reason_of(body):
            return {modal.BLOCK_ID: bilingual("adapter.reason_required")}
        click = modal.click_from_submission(body)
        if click is not None:
            await self.channel.accept(click)
        return None

    async def _ask_reason(self, click: Click) -> None:
        view = modal.reject_modal(click.event)
        if view is None or not await self.channel.open_view(click.trigger_id, view):
            self.channel.dispatch(click.event)  # the core asks for the reason in chat

    def _remember_dm(self, user: str, channel_id: str) -> None:
        """A request from a DM tells us its channel id: no ``conversations.open`` needed."""
        if is_direct(channel_id):
            self.channel.people.remember_dm(user, channel_id)
