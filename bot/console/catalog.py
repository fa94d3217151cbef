"""The catalog, browsable by department: each service with its description and how to ask
the bot for it (requests are filed in chat, where the form asks what it needs)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.console.context import bot_of
from bot.console.pages import render
from bot.console.session import page_locale, signed_in

routes = web.RouteTableDef()


@dataclass(frozen=True)
class ServiceEntry:
    id: str
    name: str
    description: str
    ask: str  # what to say to the bot to start it


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    services: tuple[ServiceEntry, ...]


def _example(keywords: tuple[str, ...], locale: str) -> str | None:
    """A keyword in the page's language (English ones are ASCII), to say to the bot."""
    return next((k for k in keywords if k.isascii() == (locale == "en")), None)


@routes.get("/catalog", name="console.catalog")
@signed_in
async def catalog_page(request: web.Request) -> web.StreamResponse:
    bundle = bot_of(request).services.bundle
    locale = page_locale(request)
    departments = [
        Department(dept, bundle.directory.dept_label(dept, locale), tuple(
            ServiceEntry(s.id, s.name.get(locale), s.description.get(locale),
                         _example(s.keywords, locale) or s.name.get(locale))
            for s in services))
        for dept, services in bundle.catalog.by_department().items()]
    return render(request, "catalog.html", {"departments": departments})
