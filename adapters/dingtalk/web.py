"""HTTP mode: ``POST /dingtalk/callback`` on the aiohttp app of ``esmbot serve``.

DingTalk POSTs each robot message with the headers ``timestamp`` (ms) and ``sign``. The sign
covers only the timestamp, so the body is believed only when: the sign is right, the timestamp
is within ``window_seconds`` of our clock (minutes, not DingTalk's hour), and this
``timestamp``/``sign`` pair has not been used before with another body (the replay guard, in
the database: across replicas). Otherwise 401 and nothing else happens. The same pair with the
same body is a redelivery: answered, and dropped by the core's event dedupe. An accepted request
is answered 200 once its event is in the core's inbox (503 when the database cannot take
it: DingTalk retries); the reply goes out later (webhook or OpenAPI), not in this response.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from aiohttp import web

from adapters.dingtalk import signing
from adapters.dingtalk.inbound import CHANNEL
from adapters.dingtalk.receiver import DingTalkReceiver
from adapters.kit.plumbing import NotTakenIn
from adapters.kit.replay import ReplayGuard, body_digest

log = logging.getLogger("esmbot.dingtalk")
CALLBACK_PATH = "/dingtalk/callback"


def mount(web_app: web.Application, receiver: DingTalkReceiver, app_secret: str,
          guard: ReplayGuard, *, window_seconds: int, now: Callable[[], float] = time.time,
          path: str = CALLBACK_PATH) -> None:
    async def dingtalk_callback(request: web.Request) -> web.Response:
        stamp, signature = request.headers.get("timestamp"), request.headers.get("sign")
        problem = signing.refusal(stamp, signature, app_secret, int(now() * 1000),
                                  window_seconds * 1000)
        if problem:
            return _refused(path, problem)
        body = await request.read()
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return web.json_response({"error": "expected a JSON object"}, status=400)
        pair = f"{stamp}:{signature}"
        try:
            fresh = await guard.first_use(CHANNEL, pair, body_digest(body),
                                          keep_seconds=2 * window_seconds)
        except Exception:
            log.exception("could not check the DingTalk callback for a replay")
            return web.json_response({"error": "try again"}, status=503)
        if not fresh:
            return _refused(path, "timestamp/sign pair already used with another body")
        try:
            await receiver.on_robot_message(data)
        except NotTakenIn:
            return web.json_response({"error": "try again"}, status=503)
        return web.json_response({})

    web_app.router.add_post(path, dingtalk_callback)


def _refused(path: str, problem: str) -> web.Response:
    log.warning("refused a request to %s: %s", path, problem)
    return web.json_response({"error": "invalid request"}, status=401)
