"""``esmbot catalog check``'s warning: approval rules that fall back to the owner group.

For every rule of every service and every person of the directory, the chain is planned as
that person would get it, ignoring the rule's ``when`` (which answers make it hold is hard to
know in general). A step with a ``field:`` reference is skipped: who it names depends on the
answers. A warning, not an error: such requests still get every step, routed to a fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.approvals.routing import plan_rule
from dialogs.model import ApprovalRule, Bundle, Service
from org.model import Directory

SHOWN_PEOPLE = 5  # people named per warning; the rest are counted


@dataclass(frozen=True)
class ChainWarning:
    service: str
    rule: int  # 1-based, in the service's order
    step: int  # 1-based, in the rule
    refs: tuple[str, ...]
    people: tuple[str, ...]  # who would get the step routed to the owner group (or worse)

    def __str__(self) -> str:
        shown = ", ".join(self.people[:SHOWN_PEOPLE])
        more = len(self.people) - SHOWN_PEOPLE
        if more > 0:
            shown += f" and {more} more"
        return (f"warning: {self.service} approval rule {self.rule} step {self.step} "
                f"({', '.join(self.refs)}) finds no approver for {shown}; "
                f"their requests go to the service owner at that step")


def chain_warnings(bundle: Bundle) -> list[ChainWarning]:
    catalog, directory = bundle.catalog, bundle.directory
    warnings = []
    for service in sorted(catalog.services.values(), key=lambda s: s.id):
        for number, rule in enumerate(service.approval_rules, 1):
            for step, people in _unroutable(service, rule, directory).items():
                warnings.append(ChainWarning(service.id, number, step,
                                             rule.steps[step - 1].approvers, people))
    return warnings


def _unroutable(
    service: Service, rule: ApprovalRule, directory: Directory
) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for person in sorted(directory.persons.values(), key=lambda p: p.id):
        plan = plan_rule(service, rule, person, directory, {})
        fallbacks = [*plan.fallbacks, *([plan.stuck] if plan.stuck else [])]
        for fallback in fallbacks:
            step = rule.steps[fallback.step - 1]
            if fallback.reason == "up" or any(r.startswith("field:") for r in step.approvers):
                continue
            found.setdefault(fallback.step, []).append(person.id)
    return {step: tuple(people) for step, people in sorted(found.items())}
