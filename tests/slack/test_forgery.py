"""Signed requests that are not for us, and clicks by people who may not see the request,
through the real ``POST /slack/events``.

A request can carry Slack's signature and still be another workspace's (an app distributed
to other teams) or another app's (one signing secret, two apps): refused, 403, nothing taken in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.slack import payloads
from tests.slack.conftest import SlackHarness, running, signed, slack_settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.steps import file_the_laptop, status_of, trail

ALICE, ALICE_DM = "U01ALICE", "D01ALICE"
SAM, SAM_DM = "U01SAM", "D01SAM"
OTHER_TEAM = "T0ELSEWHERE"


def from_team(body: dict[str, Any], team: str) -> dict[str, Any]:
    """``body`` as another workspace's install of the app would send it."""
    body = {**body, "team_id": team}
    body["authorizations"] = [{**a, "team_id": team} for a in body["authorizations"]]
    return body


async def post_json(slack: SlackHarness, body: dict[str, Any]) -> int:
    text = json.dumps(body)
    response = await slack.post(text, "application/json", signed(text))
    return response.status


async def test_an_event_for_another_workspace_is_refused(slack: SlackHarness) -> None:
    event = payloads.event_callback(payloads.dm(ALICE, "我的申请", team=OTHER_TEAM))
    assert await post_json(slack, from_team(event, OTHER_TEAM)) == 403
    clicked = payloads.block_actions(ALICE, "cat")
    clicked["team"] = {"id": OTHER_TEAM, "domain": "elsewhere"}
    clicked["user"] = {**clicked["user"], "team_id": OTHER_TEAM}
    assert (await slack.post(payloads.form_body(clicked),
                             "application/x-www-form-urlencoded")).status == 403
    await slack.settle()
    assert await slack.inbound_ids() == []
    assert slack.fake.posts_to(ALICE_DM) == []
    await slack.say(ALICE, "我的申请")  # our own workspace is answered as ever
    assert slack.fake.posts_to(ALICE_DM)


async def test_an_event_for_another_app_is_refused_when_the_app_id_is_set(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    settings = slack_settings(tmp_path, fake_slack, app_id="A0ESMBOT")
    async with running(settings, fake_slack) as slack:
        event = payloads.event_callback(payloads.dm(ALICE, "我的申请"))
        assert await post_json(slack, {**event, "api_app_id": "A0SOMEOTHER"}) == 403
        await slack.settle()
        assert await slack.inbound_ids() == [] and slack.fake.posts_to(ALICE_DM) == []
        assert await post_json(slack, payloads.event_callback(
            payloads.dm(ALICE, "我的申请", ts=payloads.next_ts()))) == 200
        await slack.settle()
        assert slack.fake.posts_to(ALICE_DM)


async def test_a_configured_team_id_wins_over_the_tokens(tmp_path: Path, fake_slack: FakeSlack
                                                         ) -> None:
    settings = slack_settings(tmp_path, fake_slack, team_id=OTHER_TEAM)
    async with running(settings, fake_slack) as slack:
        event = payloads.event_callback(payloads.dm(ALICE, "我的申请"))
        assert await post_json(slack, event) == 403  # T0DEMO is not the configured team


async def test_a_strangers_crafted_click_is_answered_as_a_typed_request_id(slack: SlackHarness
                                                                           ) -> None:
    await file_the_laptop(slack)
    await slack.say(SAM, "approve REQ-1")
    [typed] = slack.fake.texts_to(SAM_DM)
    for action in ("apr:1:x:approve", "apr:1:bob:approve"):
        crafted = payloads.block_actions(SAM, action, channel=SAM_DM,
                                         message_ts=payloads.next_ts())
        assert (await slack.interact(crafted)).status == 200
        await slack.settle()
        assert slack.fake.texts_to(SAM_DM)[-1] == typed
    assert "REQ-1 was not found" in typed and "赵强" not in typed
    assert await status_of(slack) == "pending_approval"
    assert not [e for e in await trail(slack) if e.actor == "sam"]
