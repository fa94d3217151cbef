"""The metric definitions of METRICS.md, once: each key, its layer and unit. The text shown
next to a figure (its name and definition, zh and en) is in the locale files as
``metric.<key>.name`` and ``metric.<key>.definition``.

The keys are the contract of ``esmbot metrics --json``, the chat reports and the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass

from chat.i18n import say


@dataclass(frozen=True)
class Definition:
    key: str
    layer: str  # efficiency | quality | compliance
    unit: str  # rate | hours | count | score | check

    def name(self, locale: str) -> str:
        return say(f"metric.{self.key}.name", locale)

    def text(self, locale: str) -> str:
        return say(f"metric.{self.key}.definition", locale)


DEFINITIONS: tuple[Definition, ...] = (
    # efficiency (效率): delivery leads
    Definition("completion_time", "efficiency", "hours"),
    Definition("sla_resolution", "efficiency", "rate"),
    Definition("sla_response", "efficiency", "rate"),
    Definition("breached_open", "efficiency", "count"),
    Definition("backlog", "efficiency", "count"),
    Definition("tasks_at_risk", "efficiency", "count"),
    Definition("approval_time", "efficiency", "hours"),
    Definition("stage_time", "efficiency", "hours"),
    Definition("rework", "efficiency", "rate"),
    # quality (质量): service owners
    Definition("duplicates", "quality", "rate"),
    Definition("missing_information", "quality", "rate"),
    Definition("first_pass", "quality", "rate"),
    Definition("csat", "quality", "score"),
    Definition("complaints", "quality", "rate"),
    # compliance (合规): governance
    Definition("exceptions", "compliance", "count"),
    Definition("approvals_missing", "compliance", "rate"),
    Definition("recovery_on_time", "compliance", "rate"),
    Definition("audit_chain", "compliance", "check"),
    Definition("audit_complete", "compliance", "rate"),
)

BY_KEY = {definition.key: definition for definition in DEFINITIONS}


def of_layer(layer: str) -> tuple[Definition, ...]:
    return tuple(d for d in DEFINITIONS if d.layer == layer)
