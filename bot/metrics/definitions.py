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
        return say(NAME_KEYS[self.key], locale)

    def text(self, locale: str) -> str:
        return say(DEFINITION_KEYS[self.key], locale)


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


# The locale keys, written out (tests/i18n finds every key used in code).
NAME_KEYS = {
    "completion_time": "metric.completion_time.name",
    "sla_resolution": "metric.sla_resolution.name",
    "sla_response": "metric.sla_response.name",
    "breached_open": "metric.breached_open.name",
    "backlog": "metric.backlog.name",
    "tasks_at_risk": "metric.tasks_at_risk.name",
    "approval_time": "metric.approval_time.name",
    "stage_time": "metric.stage_time.name",
    "rework": "metric.rework.name",
    "duplicates": "metric.duplicates.name",
    "missing_information": "metric.missing_information.name",
    "first_pass": "metric.first_pass.name",
    "csat": "metric.csat.name",
    "complaints": "metric.complaints.name",
    "exceptions": "metric.exceptions.name",
    "approvals_missing": "metric.approvals_missing.name",
    "recovery_on_time": "metric.recovery_on_time.name",
    "audit_chain": "metric.audit_chain.name",
    "audit_complete": "metric.audit_complete.name",
}
DEFINITION_KEYS = {
    "completion_time": "metric.completion_time.definition",
    "sla_resolution": "metric.sla_resolution.definition",
    "sla_response": "metric.sla_response.definition",
    "breached_open": "metric.breached_open.definition",
    "backlog": "metric.backlog.definition",
    "tasks_at_risk": "metric.tasks_at_risk.definition",
    "approval_time": "metric.approval_time.definition",
    "stage_time": "metric.stage_time.definition",
    "rework": "metric.rework.definition",
    "duplicates": "metric.duplicates.definition",
    "missing_information": "metric.missing_information.definition",
    "first_pass": "metric.first_pass.definition",
    "csat": "metric.csat.definition",
    "complaints": "metric.complaints.definition",
    "exceptions": "metric.exceptions.definition",
    "approvals_missing": "metric.approvals_missing.definition",
    "recovery_on_time": "metric.recovery_on_time.definition",
    "audit_chain": "metric.audit_chain.definition",
    "audit_complete": "metric.audit_complete.definition",
}
