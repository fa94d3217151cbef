"""The audit trail as an auditor reads it: replay each request's trail into the state it says
the request is in (``replay``), compare that with the tables (``drift``), walk the chain and
its anchors (``verification``), and push the daily anchor to the governance role (``anchor``).
"""

from __future__ import annotations

from bot.features.audit.anchor import AnchorHandlers
from bot.features.registry import Feature

FEATURE = Feature(name="audit", timers=AnchorHandlers.kinds)
