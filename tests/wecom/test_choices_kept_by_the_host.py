"""WeCom's numbered choices (cards with more than 6 buttons) are kept by the host, in the
database, so a member's "3" clicks after a restart and on another replica too."""

from __future__ import annotations

from adapters.wecom.channel import WeComChannel
from adapters.wecom.render import MAX_BUTTONS
from chat.channel import degrade
from chat.events import ActionInvoked, ConversationKey, MessageReceived
from chat.replies import Button, Card
from tests.wecom.conftest import WeComHarness

# as the core sends it: more buttons than WeCom shows, so numbered choices
SEVEN = degrade(Card(title="服务目录", buttons=tuple(Button(f"服务{i}", f"pick:s{i}")
                                                  for i in range(1, MAX_BUTTONS + 2))),
                WeComChannel.capabilities)


async def test_a_member_s_numbers_are_in_the_database(wecom: WeComHarness) -> None:
    key = ConversationKey("wecom", wecom.channel.corp_id, "", "zhaoqiang")
    await wecom.channel.send(key, SEVEN)
    kept = await wecom.bot.choices_in(f"wecom:{wecom.channel.corp_id}:@zhaoqiang")
    assert kept is not None and [b["action_id"] for b in kept["buttons"]][2] == "pick:s3"
    reply = MessageReceived(key, "m1", "3")
    assert await wecom.channel.prepare(reply) == ActionInvoked(key, "m1", "pick:s3")
