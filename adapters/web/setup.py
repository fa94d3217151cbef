"""Attach the chat panel to a running bot: its channel only. The socket's route belongs to the
web console (``bot/console``), which authenticates the person and hands the socket over."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.kit.host import ChannelHost, KeepsMail
from adapters.web.channel import CHANNEL, MemoryMailbox, WebChannel


async def attach(host: ChannelHost, web_app: web.Application, config: Any) -> WebChannel:
    """The ``web`` channel, its mailbox the host's (kept in the database) where it has one."""
    mailbox = host.mailbox(CHANNEL) if isinstance(host, KeepsMail) else MemoryMailbox()
    channel = WebChannel(mailbox, choices=host)
    await host.add_channel(channel)
    return channel
