"""Which approval chain a request gets: the first rule whose ``when`` holds, resolved to people.

Pure: the catalog, the directory and the answers in, a plan out. Every step of the rule stays
in the plan; a step that cannot be routed as written gets a fallback, and says why:

- it resolves only to the requester: it goes one level up, to the requester's manager, else
  their department head (``up``);
- it resolves to nobody (or one level up is nobody either): it goes, alone, to the service's
  owner group without the requester (``owner``);
- a quorum with fewer approvers than it needs: the owner group tops the seats up (``quorum``);
- no owner is left: the ``esm-admin`` role (``admin``); with nobody there either the plan is
  ``stuck`` and nothing is approved automatically.

The requester never holds a seat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.access import members_of, owners_of
from dialogs.engine import condition_env
from dialogs.model import ApprovalRule, ApprovalStepDef, Service
from org.model import Directory, Person

ADMIN_ROLE = "esm-admin"  # the last resort when the owner group is only the requester
Reason = Literal["up", "owner", "quorum", "admin", "stuck"]
Cause = Literal["self", "nobody", "short"]  # why the step could not be routed as written


@dataclass(frozen=True)
class Fallback:
    """Why a step is not routed as its rule says, and to whom it went instead."""

    reason: Reason
    cause: Cause
    step: int  # 1-based position in the rule
    refs: tuple[str, ...]  # the step's approver references as written
    to: tuple[str, ...] = ()  # the people it went to instead
    required: int = 0  # the quorum asked for ("quorum" only)
    found: int = 0  # approvers the rule found ("quorum" only)


@dataclass(frozen=True)
class PlannedStep:
    approvers: tuple[str, ...]
    mode: str  # "all" | "any" | "quorum"
    required: int  # decisions needed to approve the step
    fallback: Fallback | None = None


@dataclass(frozen=True)
class ChainPlan:
    steps: tuple[PlannedStep, ...]
    stuck: Fallback | None = None  # a step nobody at all can approve; None when routable

    @property
    def needs_approval(self) -> bool:
        return bool(self.steps) or self.stuck is not None

    @property
    def fallbacks(self) -> tuple[Fallback, ...]:
        return tuple(s.fallback for s in self.steps if s.fallback is not None)


def choose_rule(service: Service, env: Mapping[str, Any]) -> ApprovalRule | None:
    return next((r for r in service.approval_rules if r.when is None or r.when.evaluate(env)),
                None)


def plan_chain(
    service: Service, requester: Person, directory: Directory, answers: Mapping[str, Any]
) -> ChainPlan:
    rule = choose_rule(service, condition_env(requester, answers))
    if rule is None:
        return ChainPlan(steps=())
    return plan_rule(service, rule, requester, directory, answers)


def plan_rule(
    service: Service, rule: ApprovalRule, requester: Person, directory: Directory,
    answers: Mapping[str, Any],
) -> ChainPlan:
    """``rule``'s chain for ``requester``, every step of it (``stuck`` when one has nobody)."""
    steps = []
    for number, step in enumerate(rule.steps, 1):
        planned = _plan_step(number, step, service, requester, directory, answers)
        if planned.fallback is not None and planned.fallback.reason == "stuck":
            return ChainPlan(steps=(), stuck=planned.fallback)
        steps.append(planned)
    return ChainPlan(steps=tuple(steps))


def _plan_step(
    number: int, step: ApprovalStepDef, service: Service, requester: Person,
    directory: Directory, answers: Mapping[str, Any],
) -> PlannedStep:
    people: list[str] = []
    for reference in step.approvers:
        for person in resolve_reference(reference, requester, directory, answers):
            if person not in people:
                people.append(person)
    resolved = tuple(p for p in people if p != requester.id)
    if not resolved:
        cause: Cause = "self" if people else "nobody"
        if cause == "self" and (above := one_level_up(requester, directory)):
            return PlannedStep(above, "any", 1, Fallback("up", cause, number, step.approvers,
                                                         to=above))
        return _to_owner(number, step, cause, service, requester, directory)
    if step.quorum is not None:
        if step.quorum > len(resolved):
            return _topped_up(number, step, resolved, service, requester, directory)
        return PlannedStep(resolved, "quorum", step.quorum)
    required = 1 if step.mode == "any" else len(resolved)
    return PlannedStep(resolved, step.mode, required)


def one_level_up(requester: Person, directory: Directory) -> tuple[str, ...]:
    """The requester's manager, else their department's head; never the requester."""
    above = (*_manager_chain(requester, directory, 1),
             *resolve_reference("dept_head", requester, directory, {}))
    return next(((p,) for p in above if p != requester.id), ())


def _to_owner(
    number: int, step: ApprovalStepDef, cause: Cause, service: Service, requester: Person,
    directory: Directory,
) -> PlannedStep:
    owners = tuple(sorted(owners_of(directory, service) - {requester.id}))
    if owners:
        return PlannedStep(owners, "any", 1, Fallback("owner", cause, number, step.approvers,
                                                      to=owners))
    admins = tuple(sorted(members_of(directory, f"role:{ADMIN_ROLE}") - {requester.id}))
    if admins:
        return PlannedStep(admins, "any", 1, Fallback("admin", cause, number, step.approvers,
                                                      to=admins))
    return PlannedStep((), "any", 1, Fallback("stuck", cause, number, step.approvers))


def _topped_up(
    number: int, step: ApprovalStepDef, resolved: tuple[str, ...], service: Service,
    requester: Person, directory: Directory,
) -> PlannedStep:
    """A quorum of N with fewer than N approvers: the owner group joins the seats, so that N
    approvals are still needed (all of the seats when even that is fewer than N)."""
    assert step.quorum is not None
    extra = tuple(sorted(owners_of(directory, service) - {requester.id, *resolved}))
    seats = (*resolved, *extra)
    fallback = Fallback("quorum", "short", number, step.approvers, to=extra,
                        required=step.quorum, found=len(resolved))
    if len(seats) > step.quorum:
        return PlannedStep(seats, "quorum", step.quorum, fallback)
    return PlannedStep(seats, "all", len(seats), fallback)


def resolve_reference(
    reference: str, requester: Person, directory: Directory, answers: Mapping[str, Any]
) -> tuple[str, ...]:
    """People behind one approver reference, in a stable order."""
    kind, _, ident = reference.partition(":")
    if kind == "manager":
        return _manager_chain(requester, directory, int(ident or 1))
    if kind == "dept_head":
        dept = directory.depts.get(requester.dept)
        return (dept.head,) if dept else ()
    if kind == "role":
        role = directory.roles.get(ident)
        return tuple(role.members) if role else ()
    if kind == "group":
        group = directory.groups.get(ident)
        return tuple(group.members) if group else ()
    if kind == "user":
        return (ident,) if ident in directory.persons else ()
    if kind == "field":
        chosen = answers.get(ident)
        return (str(chosen),) if isinstance(chosen, str) and chosen in directory.persons else ()
    return ()


def _manager_chain(requester: Person, directory: Directory, levels: int) -> tuple[str, ...]:
    """``manager`` is the requester's manager; ``manager:2`` the manager's manager."""
    current: Person | None = requester
    for _ in range(levels):
        if current is None or current.manager is None:
            return ()
        current = directory.person(current.manager)
    return (current.id,) if current else ()
