"""A stand-in for helper dashboards' route module: ``/console/dashboard/{kind}``, named as the
navigation expects, so the console's landing and navigation can be checked before it lands."""

from __future__ import annotations

from aiohttp import web

from bot.console.session import signed_in

routes = web.RouteTableDef()


@routes.get("/dashboard/{kind}", name="console.dashboard")
@signed_in
async def dashboard(request: web.Request) -> web.StreamResponse:
    return web.Response(text=f"dashboard {request.match_info['kind']}")
