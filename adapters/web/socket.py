"""One person's WebSocket to the chat panel (``GET /console/ws``), once the bot side has
decided who they are (the console session); this module never authenticates anyone."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from adapters.web.channel import WebChannel

MAX_FRAME = 64 * 1024  # bytes of one frame from the page
HEARTBEAT_SECONDS = 30.0
SIGNED_OUT = 4401  # the close code when the person's session ended (the page stops retrying)
log = logging.getLogger("esmbot.adapters.web")


async def serve(channel: WebChannel, request: web.Request, person: str, *,
                still: Callable[[], Awaitable[bool]] | None = None) -> web.WebSocketResponse:
    """Speak the panel's protocol with ``person`` over ``request``'s socket until it closes:
    what was kept for them first, then every message as it is sent; their frames go to the
    core (``WebChannel.hear``). ``still`` is asked before each frame: False (their session
    ended) closes the socket with ``SIGNED_OUT`` and the frame is not heard."""
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_FRAME)
    await socket.prepare(request)
    try:
        await channel.opened(person, socket)
        async for received in socket:
            if received.type != WSMsgType.TEXT:
                continue  # binary frames mean nothing here; errors and closes end the loop
            if still is not None and not await still():
                await socket.close(code=SIGNED_OUT, message=b"signed out")
                break
            answer = await channel.hear(person, _frame(received.data))
            if answer is not None and not socket.closed:
                await socket.send_json(answer)
    except ConnectionError as exc:  # the browser went away mid-send: nothing to answer
        log.info("a web socket of %s went away (%s)", person, type(exc).__name__)
    finally:
        channel.closed(person, socket)
    return socket


def _frame(data: str) -> dict[str, object]:
    try:
        frame = json.loads(data)
    except ValueError:
        return {}
    return frame if isinstance(frame, dict) else {}
