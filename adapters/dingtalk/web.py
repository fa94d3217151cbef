"""HTTP mode: ``POST /dingtalk/callback`` on the aiohttp app of ``esmbot serve``.

DingTalk POSTs each robot message with the headers ``timestamp`` (ms) and ``sign``; a request
whose sign is wrong or whose timestamp is more than an hour off is refused (401) and nothing
else happens. An accepted one is answered 200 at once; the reply goes out later (webhook or
OpenAPI), not in this response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiohttp import web

from adapters.dingtalk import signing
from adapters.dingtalk.receiver import DingTalkReceiver

log = logging.getLogger("esmbot.dingtalk")
CALLBACK_PATH = "/dingtalk/callback"


def mount(web_app: web.Application, receiver: DingTalkReceiver, app_secret: str, *,
          now: Callable[[], float] = time.time, path: str = CALLBACK_PATH) -> None:
    async def dingtalk_callback(request: web.Request) -> web.Response:
        problem = signing.refusal(request.headers.get("timestamp"), request.headers.get("sign"),
                                  app_secret, int(now() * 1000))
        if problem:
            log.warning("refused a request to %s: %s", path, problem)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return web.json_response({"error": "expected a JSON object"}, status=400)
        receiver.on_robot_message(data)
        return web.json_response({})

    web_app.router.add_post(path, dingtalk_callback)
