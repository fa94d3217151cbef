"""What reaches the log: never a secret, even at DEBUG, through a journey with a forged
request, a malformed one and a refused Web API call in it."""

from __future__ import annotations

import json
import logging

import pytest

from tests.slack import payloads
from tests.slack.conftest import SIGNING_SECRET, SlackHarness, signed
from tests.slack.steps import ALICE, file_the_laptop


async def test_no_secret_reaches_the_log_even_at_debug(slack: SlackHarness,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await file_the_laptop(slack)
    body = json.dumps(payloads.event_callback(payloads.dm(ALICE, "我的申请")))
    assert (await slack.post(body, "application/json", signed(body, secret="x"))).status == 401
    assert (await slack.post("{", "application/json")).status == 400
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert logged  # DEBUG lines were written
    for secret in (slack.fake.bot_token, SIGNING_SECRET):
        assert secret not in logged

