"""HTTP mode: ``POST /dingtalk/callback`` on the aiohttp app of ``esmbot serve``.

DingTalk POSTs each robot message with the headers ``timestamp`` (ms) and ``sign``. The sign
covers only the timestamp, so the body is believed only when: the sign is right, the timestamp
is within ``window_seconds`` of our clock (minutes, not DingTalk's hour), and this
``timestamp``/``sign`` pair has not been used before with another body (the replay guard, in
the database: across replicas). Otherwise 401 and nothing else happens. The same pair with the
same body is a redelivery: answered, and dropped by the core's event dedupe. An accepted request
is answered 200 once its event is in the core's inbox (503 when the database cannot take
it: DingTalk retries); the reply goes out later (webhook or OpenAPI), not in this response.

A signed body that is not a JSON object, nests too deep, carries huge arrays, or has a field
the adapter reads of the wrong type (``robot_message_problem``) is answered 400. Refusals are
logged as one bounded line per address and minute (``adapters.kit.quiet_log``), never a body.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from adapters.dingtalk import signing
from adapters.dingtalk.inbound import CHANNEL
from adapters.dingtalk.receiver import DingTalkReceiver
from adapters.kit.plumbing import NotTakenIn
from adapters.kit.quiet_log import QuietLog
from adapters.kit.replay import ReplayGuard, body_digest
from adapters.kit.shapes import field_problem, size_problem
from chat import telemetry

log = logging.getLogger("esmbot.dingtalk")
CALLBACK_PATH = "/dingtalk/callback"
refusals = QuietLog(log)


def robot_message_problem(data: Any) -> str | None:
    """Why ``data`` is not a robot message we can read, or None."""
    if not isinstance(data, dict):
        return "expected a JSON object"
    problem = size_problem(data) or field_problem(
        data, strings=("msgtype", "senderStaffId", "senderId", "conversationId",
                       "conversationType", "msgId", "sessionWebhook"),
        numbers=("createAt", "sessionWebhookExpiredTime"))
    if problem:
        return problem
    if not isinstance(data.get("msgtype"), str):
        return "no msgtype"
    if data["msgtype"] == "text" and not isinstance(data.get("text"), dict):
        return "a text message without a text object"
    if not isinstance(data.get("content"), dict | str | None):
        return "content is not an object"
    return None


def mount(web_app: web.Application, receiver: DingTalkReceiver, app_secret: str,
          guard: ReplayGuard, *, window_seconds: int, now: Callable[[], float] = time.time,
          path: str = CALLBACK_PATH) -> None:
    async def dingtalk_callback(request: web.Request) -> web.Response:
        stamp, signature = request.headers.get("timestamp"), request.headers.get("sign")
        problem = signing.refusal(stamp, signature, app_secret, int(now() * 1000),
                                  window_seconds * 1000)
        if problem:
            return _refused(request, path, problem, telemetry.UNSIGNED)
        body = await request.read()
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        malformed = robot_message_problem(data)
        if malformed:
            refusals.warning(request.remote or "?", f"refused a signed request to {path}: "
                                                    f"{malformed}")
            telemetry.refused(CHANNEL, telemetry.MALFORMED)
            return web.json_response({"error": "malformed request"}, status=400)
        pair = f"{stamp}:{signature}"
        try:
            fresh = await guard.first_use(CHANNEL, pair, body_digest(body),
                                          keep_seconds=2 * window_seconds)
        except Exception:
            log.exception("could not check the DingTalk callback for a replay")
            return web.json_response({"error": "try again"}, status=503)
        if not fresh:
            return _refused(request, path, "timestamp/sign pair already used with another body",
                            telemetry.REPLAYED)
        try:
            await receiver.on_robot_message(data)
        except NotTakenIn:
            return web.json_response({"error": "try again"}, status=503)
        return web.json_response({})

    web_app.router.add_post(path, dingtalk_callback)


def _refused(request: web.Request, path: str, problem: str, reason: str) -> web.Response:
    refusals.warning(request.remote or "?", f"refused a request to {path}: {problem}")
    telemetry.refused(CHANNEL, reason)
    return web.json_response({"error": "invalid request"}, status=401)
