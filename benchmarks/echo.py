"""The two references the turns are measured against, each served like esmbot on aiohttp:

- ``aiohttp``: the ceiling. A bare handler that verifies nothing, parses the event, answers 200
  and posts the text back with one shared client session.
- ``bolt``: a bare ``slack_bolt`` ``AsyncApp`` (signature checked, acked by bolt) that echoes
  with ``say`` through its own client, as bolt does by default.

    python -m benchmarks.echo aiohttp|bolt --port P --api-url URL --signing-secret S [--workers N]

With ``--workers N`` (N > 1) the process starts N - 1 copies of itself and all of them serve the
port with ``SO_REUSEPORT``, as ``esmbot serve`` does with ``[server] workers = N``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from benchmarks.fake_slack import BOT_TOKEN

EVENTS_PATH = "/slack/events"


def aiohttp_app(api_url: str) -> web.Application:
    app = web.Application()
    tasks: set[asyncio.Task[None]] = set()
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
    sessions: list[aiohttp.ClientSession] = []

    async def open_session(app: web.Application) -> AsyncIterator[None]:
        sessions.append(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        yield
        await sessions[0].close()

    async def echo(channel: str, text: str) -> None:
        async with sessions[0].post(api_url + "chat.postMessage", headers=headers,
                                    json={"channel": channel, "text": text}) as response:
            await response.read()

    async def events(request: web.Request) -> web.Response:
        body = await request.json()
        event = body.get("event") or {}
        if body.get("type") == "event_callback" and event.get("type") == "message" \
                and not event.get("bot_id"):
            task = asyncio.create_task(echo(str(event["channel"]), str(event.get("text"))))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return web.Response()

    app.cleanup_ctx.append(open_session)
    app.router.add_post(EVENTS_PATH, events)
    return app


def bolt_app(api_url: str, signing_secret: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.context.say.async_say import AsyncSay
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
                    signing_secret=signing_secret)

    @bolt.event("message")
    async def on_message(event: dict[str, Any], say: AsyncSay) -> None:
        await say(text=str(event.get("text")))

    async def events(request: web.Request) -> web.Response:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    return app


async def serve(app: web.Application, port: int, reuse_port: bool) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=4096,
                      reuse_port=reuse_port or None).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    print(f"serving on 127.0.0.1:{port}", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.echo")
    parser.add_argument("kind", choices=["aiohttp", "bolt"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--signing-secret", default="")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--copy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    copies = [] if args.copy else [
        subprocess.Popen([sys.executable, "-m", "benchmarks.echo", *sys.argv[1:], "--copy"])
        for _ in range(args.workers - 1)]
    app = aiohttp_app(args.api_url) if args.kind == "aiohttp" else \
        bolt_app(args.api_url, args.signing_secret)
    try:
        asyncio.run(serve(app, args.port, reuse_port=args.workers > 1))
    finally:
        for copy in copies:
            copy.terminate()
            copy.wait()


if __name__ == "__main__":
    main()
