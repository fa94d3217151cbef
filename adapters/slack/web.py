"""``POST /slack/events`` on the aiohttp app of ``esmbot serve``: Events API and interactivity.

Before bolt sees a request, it must be signed with our signing secret (checked on the raw
bytes, within Slack's five minutes) and shaped like a Slack request (``adapters.slack.shape``).
An unsigned one gets 401, a malformed one 400; neither is handed on, and either is logged as
one bounded line per address and minute (``adapters.kit.quiet_log``), never its body, so a
flood of them cannot fill the log.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.kit.quiet_log import QuietLog
from adapters.slack.shape import problem_of
from chat import telemetry

EVENTS_PATH = "/slack/events"
log = logging.getLogger("esmbot.slack")


def mount(web_app: web.Application, bolt_app: AsyncApp, signing_secret: str = "",
          path: str = EVENTS_PATH) -> None:
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    refusals = QuietLog(log)

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        source = request.remote or "?"
        if verifier is not None and not _signed(verifier, raw, request):
            refusals.warning(source, f"refused a Slack request to {path}: not signed with our "
                                     f"signing secret ({len(raw)} bytes)")
            telemetry.refused("slack", telemetry.UNSIGNED)
            return web.json_response({"error": "invalid signature"}, status=401)
        problem = problem_of(raw, request.content_type)
        if problem:
            refusals.warning(source, f"refused a signed Slack request to {path}: {problem}")
            telemetry.refused("slack", telemetry.MALFORMED)
            return web.json_response({"error": "malformed request"}, status=400)
        bolt_request = AsyncBoltRequest(body=raw.decode("utf-8"), query=request.query_string,
                                        headers=request.headers)  # type: ignore[arg-type]
        response = await bolt_app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    web_app.router.add_post(path, slack_events)


def _signed(verifier: SignatureVerifier, raw: bytes, request: web.Request) -> bool:
    """Signed with our secret, within five minutes; a missing or garbled header is not."""
    try:
        return verifier.is_valid(body=raw,
                                 timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
                                 signature=request.headers.get("X-Slack-Signature", ""))
    except (ValueError, TypeError):
        return False
