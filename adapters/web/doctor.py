"""``esmbot doctor`` for the chat panel: it has no platform and no credentials to check (the
console's own settings are checked when it starts)."""

from __future__ import annotations

from typing import Any

from adapters.kit.doctor import Finding


async def findings(config: Any) -> list[Finding]:
    return []
