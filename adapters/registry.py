"""The platforms ``esmbot serve`` can attach: one row each, walked by ``bot.web``.

A row names the adapter, the settings section it owns (``[slack]``...) and how it attaches
itself to the app: ``attach(host, web_app, section)`` starts its channel and mounts its HTTP
routes or opens its connection. The adapter's module is imported only when its section is
enabled, so a platform's SDK is loaded only where it is used. Adding a platform is adding a
row (and its settings section to ``bot.settings.Settings``).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.kit.doctor import Finding
from adapters.kit.host import ChannelHost

Attach = Callable[[ChannelHost, web.Application, Any], Awaitable[object]]
Probe = Callable[[Any], Awaitable[list[Finding]]]


@dataclass(frozen=True)
class Adapter:
    name: str
    settings_key: str  # the section of ``Settings`` (and of the TOML file) it reads
    attach: Attach
    probe: Probe  # ``esmbot doctor``: are the credentials accepted? (``<module>.doctor``)


def attach_from(module: str) -> Attach:
    """``module.attach``, imported when it is first called."""
    async def attach(host: ChannelHost, web_app: web.Application, settings: Any) -> object:
        return await importlib.import_module(module).attach(host, web_app, settings)

    return attach


def probe_from(module: str) -> Probe:
    """``module.findings``, imported when it is first called."""
    async def probe(settings: Any) -> list[Finding]:
        found: list[Finding] = await importlib.import_module(module).findings(settings)
        return found

    return probe


ADAPTERS = (
    Adapter("slack", "slack", attach_from("adapters.slack.setup"),
            probe_from("adapters.slack.doctor")),
    Adapter("wecom", "wecom", attach_from("adapters.wecom.setup"),
            probe_from("adapters.wecom.doctor")),
    Adapter("dingtalk", "dingtalk", attach_from("adapters.dingtalk.setup"),
            probe_from("adapters.dingtalk.doctor")),
    # The web console's chat panel: on with ``[web] enabled``; its socket is the console's.
    Adapter("web", "web", attach_from("adapters.web.setup"), probe_from("adapters.web.doctor")),
)
