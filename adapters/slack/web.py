"""``POST /slack/events`` on the aiohttp app of ``esmbot serve``: Events API and interactivity."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def mount(web_app: web.Application, bolt_app: AsyncApp, path: str = EVENTS_PATH) -> None:
    async def slack_events(request: web.Request) -> web.Response:
        response = await bolt_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    web_app.router.add_post(path, slack_events)
