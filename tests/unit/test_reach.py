"""Where a turn reaches a person: their conversation on the turn's channel, else their home
platform, else the web panel (``bot.identity.reach``)."""

from __future__ import annotations

from bot.identity import Home, reach
from chat.events import ConversationKey
from org.model import Person

SLACK, WECOM, WEB = Home("slack", "T01"), Home("wecom", "ww-corp"), Home("web")
BOB = Person(id="bob", name="Bob", email="bob@example.com", slack="U01BOB", wecom="zhaoqiang")
KATE = Person(id="kate", name="Kate", wecom="kate.w")  # on WeCom only
VERA = Person(id="vera", name="Vera", email="vera@example.com")  # no platform id at all


def test_on_a_platform_a_person_who_is_there_is_reached_there() -> None:
    assert reach(BOB, "slack", "T09", (SLACK, WEB)) == ConversationKey("slack", "T09", "", "U01BOB")


def test_from_the_web_a_person_is_reached_on_their_home_platform() -> None:
    assert reach(BOB, "web", "", (SLACK, WECOM, WEB)) == \
        ConversationKey("slack", "T01", "", "U01BOB")
    assert reach(BOB, "web", "", (WECOM, SLACK, WEB)) == \
        ConversationKey("wecom", "ww-corp", "", "zhaoqiang")  # the first enabled one
    assert reach(KATE, "web", "", (SLACK, WECOM, WEB)) == \
        ConversationKey("wecom", "ww-corp", "", "kate.w")


def test_someone_with_no_platform_id_is_reached_on_the_web() -> None:
    assert reach(VERA, "web", "", (SLACK, WEB)) == ConversationKey("web", "", "", "vera")
    # from Slack, her email still reaches her there (the email fallback comes first)
    assert reach(VERA, "slack", "T01", (SLACK, WEB)) == \
        ConversationKey("slack", "T01", "", "vera@example.com")


def test_a_platform_person_elsewhere_is_reached_on_their_home_and_nobody_is_invented() -> None:
    assert reach(KATE, "slack", "T01", (SLACK, WECOM)) == \
        ConversationKey("wecom", "ww-corp", "", "kate.w")
    assert reach(KATE, "slack", "T01", (SLACK,)) is None  # no web panel, no WeCom: not reached
    assert reach(KATE, "slack", "T01", (SLACK, WEB)) == ConversationKey("web", "", "", "kate")
