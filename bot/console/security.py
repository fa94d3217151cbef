"""Security headers on every console response, errors included: a CSP without unsafe-inline
(no inline script or style anywhere), no sniffing, no referrer leaving the site, no framing;
private pages are not cached, static files are (versioned URLs: for a year)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from multidict import CIMultiDict

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
STATIC_VERSIONED = "public, max-age=31536000, immutable"
STATIC_PLAIN = "public, max-age=3600"
PRIVATE = "no-store"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _caching(request: web.Request) -> str:
    if "/static/" not in request.path:
        return PRIVATE
    return STATIC_VERSIONED if "v" in request.query else STATIC_PLAIN


def _add(headers: CIMultiDict[str], request: web.Request) -> None:
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    headers.setdefault("Cache-Control", _caching(request))


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _add(exc.headers, request)
        raise
    if not response.prepared:
        _add(response.headers, request)
    return response
