"""Operational counters any layer may move (prometheus-client's process registry; served by
``bot.observability`` at ``/metrics``). They live here, in the leaf contract, because the
adapters that refuse requests and the scheduler that sees platform errors may import nothing
above ``chat``. Labels are short fixed vocabularies, never free text."""

from __future__ import annotations

from prometheus_client import Counter

REFUSED = Counter("esmbot_inbound_refused_total", "Inbound requests refused, by reason",
                  ["channel", "reason"])
PLATFORM_ERRORS = Counter("esmbot_platform_errors_total",
                          "Failed platform API calls, by platform and error code",
                          ["platform", "code"])

# Why an inbound request was refused (the ``reason`` label).
UNSIGNED = "unsigned"  # no or a wrong signature
MALFORMED = "malformed"  # signed, but not a payload we can read
REPLAYED = "replayed"  # a signature or nonce already used, or too old
WRONG_TENANT = "wrong_tenant"  # another workspace or app
STORE_UNAVAILABLE = "store_unavailable"  # the inbox could not take it in: the platform retries
TOO_MANY_CONNECTIONS = "too_many_connections"
TOO_SLOW = "too_slow"  # headers or body did not arrive in time


def refused(channel: str, reason: str) -> None:
    REFUSED.labels(channel, reason).inc()


def platform_error(platform: str, code: str) -> None:
    PLATFORM_ERRORS.labels(platform, code or "unknown").inc()
