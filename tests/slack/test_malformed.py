"""Malformed requests to the real ``POST /slack/events``: a 4xx, never a 500, never a
traceback in the log, and nothing taken in. Signed ones first (only Slack, or a bug of
Slack's, could send them), then unsigned ones, which must not fill the log either."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import pytest

from tests.slack import payloads
from tests.slack.conftest import SIGNING_SECRET, SlackHarness

ALICE = "U01ALICE"
JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def event_with(**changes: Any) -> str:
    body = payloads.event_callback(payloads.dm(ALICE, "我的申请"))
    body.update(changes)
    return json.dumps(body)


def dm_with(**changes: Any) -> str:
    return json.dumps(payloads.event_callback({**payloads.dm(ALICE, "我的申请"), **changes}))


def click_with(**changes: Any) -> str:
    return payloads.form_body({**payloads.block_actions(ALICE, "cat"), **changes})


def action_with(**changes: Any) -> str:
    click = payloads.block_actions(ALICE, "cat")
    click["actions"] = [{**click["actions"][0], **changes}]
    return payloads.form_body(click)


def signed_bytes(body: bytes) -> dict[str, str]:
    """Slack's signature over the raw bytes (``signed`` signs text, re-encoded as UTF-8)."""
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


DEEP = "[" * 100_000 + "]" * 100_000
SIGNED_KINDS: dict[str, tuple[bytes, str]] = {
    "events-not-json": (b"{\"type\": \"event_callback\", ", JSON),
    "events-invalid-utf8": (b"{\"type\": \"event_callback\", \"x\": \"\xff\xfe\"}", JSON),
    "events-deep-nesting": (DEEP.encode(), JSON),
    "events-top-level-array": (b"[1, 2, 3]", JSON),
    "events-huge-array": (event_with(authorizations=[{"is_bot": 1}] * 60_000).encode(), JSON),
    "events-no-type": (json.dumps({"event": {"type": "message"}}).encode(), JSON),
    "events-unknown-type": (event_with(type="no_such_callback").encode(), JSON),
    "events-event-is-a-string": (event_with(event="message").encode(), JSON),
    "events-event-type-not-a-string": (dm_with(type=["message"]).encode(), JSON),
    "events-event-without-type": (event_with(event={"user": ALICE}).encode(), JSON),
    "events-user-is-an-object": (dm_with(user={"id": ALICE}).encode(), JSON),
    "events-text-is-a-number": (dm_with(text=12).encode(), JSON),
    "events-team-is-a-list": (event_with(team_id=["T0DEMO"]).encode(), JSON),
    "interaction-no-payload": (b"nothing=here", FORM),
    "interaction-payload-not-json": (b"payload=%7Bnot+json", FORM),
    "interaction-payload-a-list": (b"payload=%5B1%2C2%5D", FORM),
    "interaction-actions-not-a-list": (click_with(actions="cat").encode(), FORM),
    "interaction-action-without-id": (action_with(action_id=None).encode(), FORM),
    "interaction-user-is-a-string": (click_with(user=ALICE).encode(), FORM),
    "interaction-container-a-list": (click_with(container=[1]).encode(), FORM),
    "interaction-invalid-utf8": (b"payload=%FF%FE", FORM),
    "interaction-unknown-type": (click_with(type="no_such_interaction").encode(), FORM),
}


@pytest.mark.parametrize("kind", sorted(SIGNED_KINDS))
async def test_a_signed_malformed_request_gets_a_4xx_and_no_traceback(
        slack: SlackHarness, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    body, content_type = SIGNED_KINDS[kind]
    headers = {"Content-Type": content_type, **signed_bytes(body)}
    response = await slack.http.post("/slack/events", data=body, headers=headers)
    await slack.settle()
    assert 400 <= response.status < 500, (kind, response.status, await response.text())
    assert "Traceback" not in await response.text()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert await slack.inbound_ids() == []


UNSIGNED_KINDS: dict[str, tuple[bytes, str]] = {
    "unsigned-not-json": (b"{\"type\": ", JSON),
    "unsigned-deep-nesting": (DEEP.encode(), JSON),
    "unsigned-invalid-utf8": (b"\xff\xfe\xfd", JSON),
    "unsigned-form-garbage": (b"payload=%FF", FORM),
}


@pytest.mark.parametrize("kind", sorted(UNSIGNED_KINDS))
async def test_an_unsigned_malformed_request_is_refused_401(
        slack: SlackHarness, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    body, content_type = UNSIGNED_KINDS[kind]
    response = await slack.http.post("/slack/events", data=body,
                                     headers={"Content-Type": content_type})
    assert response.status == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_hundred_unsigned_megabyte_posts_add_a_few_lines_of_log(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"{\"text\": \"" + b"x" * (1024 * 1024 - 64) + b"\"}"
    for _ in range(100):
        response = await slack.http.post("/slack/events", data=body, headers={
            "Content-Type": JSON, "X-Slack-Request-Timestamp": "1700000000",
            "X-Slack-Signature": "v0=forged"})
        assert response.status == 401
    logged = sum(len(r.getMessage()) for r in caplog.records)
    assert logged < 2_000, logged
    assert any("Slack" in r.getMessage() for r in caplog.records)  # but one line says so
