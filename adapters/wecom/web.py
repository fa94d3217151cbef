"""``/wecom/callback`` on the aiohttp app of ``esmbot serve``: URL verification and callbacks.

``GET``: WeCom checks the URL when it is saved; the answer is the decrypted ``echostr`` as
plain text (no quotes, no newline), within a second. ``POST``: a message or an event,
encrypted; it is answered 200 with an empty body once its event is in the core's inbox (503
when the database cannot take it), and handled in the background (WeCom retries after 5 s,
three times, when it gets no answer or an error). A wrong signature is
refused with 403 and nothing else happens; so is a signed callback whose ``timestamp`` is more
than ``window_seconds`` from our clock, or whose ``nonce`` was already used with another body
within the window (the replay guard, in the database: across replicas). The same callback
again (WeCom's retry) is answered, and dropped by the core's event dedupe.

The query is read raw: base64 values carry ``+``, which form decoding (aiohttp's
``request.query``) would turn into a space; WeCom sends ``%2B``, but a ``+`` must stay a ``+``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from aiohttp import web

from adapters.kit.plumbing import NotTakenIn
from adapters.kit.quiet_log import QuietLog
from adapters.kit.replay import ReplayGuard, body_digest
from adapters.wecom import inbound
from adapters.wecom.crypto import CallbackCrypto, Forged, Malformed, Undecryptable, parse_xml
from adapters.wecom.inbound import Inbound
from chat import telemetry

log = logging.getLogger("esmbot.wecom")
refusals = QuietLog(log)  # a stranger's requests: a bounded line per address and minute
CALLBACK_PATH = "/wecom/callback"
SIGNED = ("msg_signature", "timestamp", "nonce")
Translate = Callable[[dict[str, str]], Inbound | None]
CHANNEL = inbound.CHANNEL


def wall_clock() -> float:
    """Seconds since the epoch, as WeCom's ``timestamp`` counts (tests set it)."""
    return time.time()


def stale(timestamp: str, now: float, window_seconds: int) -> bool:
    try:
        return abs(now - int(timestamp)) > window_seconds
    except ValueError:
        return True


def query_params(raw: str) -> dict[str, str]:
    """``a=b&c=d`` percent-decoded, ``+`` kept as ``+``; the first of repeated names wins."""
    params: dict[str, str] = {}
    for part in raw.split("&"):
        name, _, value = part.partition("=")
        if name:
            params.setdefault(unquote(name), unquote(value))
    return params


class CallbackHandler:
    def __init__(self, crypto: CallbackCrypto, translate: Translate,
                 deliver: Callable[[Inbound], Awaitable[None]], guard: ReplayGuard, *,
                 window_seconds: int) -> None:
        self.crypto = crypto
        self.translate = translate
        self.deliver = deliver
        self.guard = guard
        self.window_seconds = window_seconds

    async def verify_url(self, request: web.Request) -> web.Response:
        params = query_params(request.rel_url.raw_query_string)
        if any(not params.get(name) for name in (*SIGNED, "echostr")):
            return web.Response(status=400, text="missing msg_signature, timestamp, nonce or "
                                                 "echostr")
        try:
            plain = self.crypto.verify_url(params["msg_signature"], params["timestamp"],
                                           params["nonce"], params["echostr"])
        except (Forged, Undecryptable) as exc:
            return _refused(request, exc)
        return web.Response(text=plain, content_type="text/plain")

    async def callback(self, request: web.Request) -> web.Response:
        params = query_params(request.rel_url.raw_query_string)
        if any(not params.get(name) for name in SIGNED):
            return web.Response(status=400, text="missing msg_signature, timestamp or nonce")
        body = await request.read()
        try:
            xml = self.crypto.open(body, params["msg_signature"], params["timestamp"],
                                   params["nonce"])
            fields = inbound.fields_of(parse_xml(xml))
        except (Forged, Undecryptable) as exc:
            return _refused(request, exc)
        except Malformed as exc:
            refusals.warning(request.remote or "?", f"refused a WeCom callback: {exc}")
            telemetry.refused(CHANNEL, telemetry.MALFORMED)
            return web.Response(status=400, text=str(exc))
        refusal = await self._replay_refusal(params, body)
        if refusal is not None:
            return refusal
        item = self.translate(fields)
        if item is not None:
            try:
                await self.deliver(item)
            except NotTakenIn:
                return web.Response(status=503, text="try again")  # WeCom retries
        return web.Response(text="")  # 200, empty: no passive reply


    async def _replay_refusal(self, params: dict[str, str], body: bytes) -> web.Response | None:
        """A signed callback that is stale or replays a nonce: why it is refused, or None."""
        if stale(params["timestamp"], wall_clock(), self.window_seconds):
            log.warning("refused a WeCom callback: timestamp %s is more than %d s off",
                        params["timestamp"][:20], self.window_seconds)
            telemetry.refused(CHANNEL, telemetry.REPLAYED)
            return web.Response(status=403, text="forbidden")
        try:
            fresh = await self.guard.first_use(CHANNEL, params["nonce"], body_digest(body),
                                               keep_seconds=2 * self.window_seconds)
        except Exception:
            log.exception("could not check the WeCom callback for a replay")
            return web.Response(status=503, text="try again")
        if not fresh:
            log.warning("refused a WeCom callback: nonce already used with another body")
            telemetry.refused(CHANNEL, telemetry.REPLAYED)
            return web.Response(status=403, text="forbidden")
        return None


def _refused(request: web.Request, exc: Exception) -> web.Response:
    telemetry.refused(CHANNEL, telemetry.UNSIGNED)
    if isinstance(exc, Undecryptable):  # signed with our Token: a setting is wrong
        log.error("refused a WeCom callback from %s: %s", request.remote, exc)
    else:
        refusals.warning(request.remote or "?", f"refused a WeCom callback: {exc}")
    return web.Response(status=403, text="forbidden")


def mount(web_app: web.Application, handler: CallbackHandler, path: str = CALLBACK_PATH) -> None:
    web_app.router.add_get(path, handler.verify_url)
    web_app.router.add_post(path, handler.callback)
