"""``esmbot serve`` listens on loopback unless told otherwise, with bounded connections."""

from __future__ import annotations

from bot.settings import Settings
from bot.web import ConnectionLimits


def test_the_default_bind_is_loopback_and_connections_are_bounded() -> None:
    server = Settings().server
    assert server.host == "127.0.0.1"
    limits = ConnectionLimits.of(server)
    assert 0 < limits.header_seconds <= 30 and 0 < limits.body_seconds <= 60
    assert 0 < limits.idle_seconds <= 120 and 0 < limits.per_client <= 1000
