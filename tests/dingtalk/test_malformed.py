"""Malformed requests to the real ``POST /dingtalk/callback`` (HTTP mode): signed ones get 400,
unsigned ones 401, never a 500 or a traceback, and nothing is taken in. A flood of unsigned
ones adds a line a minute to the log, not a line each."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from tests.dingtalk.conftest import CALLBACK, DingTalkHarness, signed
from tests.dingtalk.steps import ALICE, LAPTOP


def message_with(dingtalk: DingTalkHarness, **changes: Any) -> bytes:
    return json.dumps({**dingtalk.message(ALICE, LAPTOP), **changes}).encode()


DEEP = b"[" * 100_000 + b"]" * 100_000
SIGNED_KINDS = {
    "not-json": lambda d: b"{\"msgtype\": \"text\", ",
    "invalid-utf8": lambda d: b"{\"msgtype\": \"text\", \"x\": \"\xff\xfe\"}",
    "deep-nesting": lambda d: DEEP,
    "top-level-array": lambda d: b"[1, 2, 3]",
    "huge-array": lambda d: message_with(d, atUsers=[{}] * 50_000),
    "no-msgtype": lambda d: message_with(d, msgtype=None),
    "text-is-a-string": lambda d: message_with(d, text=LAPTOP),
    "sender-is-a-list": lambda d: message_with(d, senderStaffId=[ALICE]),
    "create-at-not-a-number": lambda d: message_with(d, createAt="yesterday"),
    "webhook-is-an-object": lambda d: message_with(d, sessionWebhook={"url": "x"}),
}


async def post(dingtalk: DingTalkHarness, body: bytes, headers: dict[str, str]) -> Any:
    return await dingtalk.http.post(CALLBACK, data=body,
                                    headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize("kind", sorted(SIGNED_KINDS))
async def test_a_signed_malformed_request_gets_400_and_no_traceback(
        dingtalk_http: DingTalkHarness, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    response = await post(dingtalk_http, SIGNED_KINDS[kind](dingtalk_http), signed())
    await dingtalk_http.settle()
    assert response.status == 400, (kind, response.status, await response.text())
    assert "Traceback" not in await response.text()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert dingtalk_http.fake.sent == [] and await dingtalk_http.inbound_ids() == []


@pytest.mark.parametrize("body", [b"{\"msgtype\": ", DEEP, b"\xff\xfe"],
                         ids=["unsigned-not-json", "unsigned-deep-nesting",
                              "unsigned-invalid-utf8"])
async def test_an_unsigned_malformed_request_is_refused_401(
        dingtalk_http: DingTalkHarness, body: bytes) -> None:
    assert (await post(dingtalk_http, body, {})).status == 401


async def test_a_hundred_unsigned_megabyte_posts_add_a_few_lines_of_log(
        dingtalk_http: DingTalkHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"{\"text\": \"" + b"x" * (1024 * 1024 - 64) + b"\"}"
    forged = {"timestamp": "1700000000000", "sign": "forged"}
    for _ in range(100):
        assert (await post(dingtalk_http, body, forged)).status == 401
    logged = sum(len(r.getMessage()) for r in caplog.records)
    assert logged < 2_000, logged
    assert any("dingtalk" in r.getMessage() for r in caplog.records)
