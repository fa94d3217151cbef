"""Rendering a page: a template of ``templates/`` with what every page has (``t``, the person,
the CSRF token, the navigation, the language switch, ``static``), in the page's locale.

Templates extend ``base.html`` and fill its blocks ``title``, ``content`` and ``scripts`` (a
``<script src>`` of ``static/``: no inline scripts or styles, the CSP forbids them).
``t("web.key", name=value)`` is ``chat.i18n.say`` in the page's locale; autoescape is on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import nav
from bot.console.context import bot_of
from bot.console.session import CSRF_FIELD, csrf_token, current_person, page_locale
from chat.i18n import say
from chat.locale import LOCALES

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
STATIC_ROUTE = "console.static"
LANGUAGE_KEYS = {"zh": "web.lang.zh", "en": "web.lang.en"}  # each language in its own words


def setup_templates(app: web.Application) -> None:
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         undefined=jinja2.StrictUndefined)


def translator(locale: str) -> Callable[..., str]:
    return partial(say, locale=locale)


def static_url(request: web.Request, name: str) -> str:
    """The versioned address of a static file (cached for a year, changes with its content)."""
    return str(request.app.router[STATIC_ROUTE].url_for(filename=name))


def page_context(request: web.Request) -> dict[str, Any]:
    person = current_person(request)
    locale = page_locale(request)
    return {
        "t": translator(locale),
        "locale": locale,
        "person": person,
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "nav": nav.items(request, person, bot_of(request).services),
        "languages": [(code, f"{request.path}?lang={code}", code == locale, LANGUAGE_KEYS[code])
                      for code in LOCALES],
        "static": partial(static_url, request),
    }


def render(request: web.Request, template: str, context: Mapping[str, Any] | None = None, *,
           status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request,
                                          {**page_context(request), **(context or {})},
                                          status=status)
