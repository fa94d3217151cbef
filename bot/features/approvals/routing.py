"""Which approval chain a request gets: the first rule whose ``when`` holds, resolved to people.

Pure: the catalog, the directory and the answers in, a plan out. A reference that resolves to
nobody, or only to the requester, never approves anything by itself: the plan says why, and
the request goes to the service's owner group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dialogs.engine import condition_env
from dialogs.model import ApprovalRule, ApprovalStepDef, Service
from org.model import Directory, Person


@dataclass(frozen=True)
class PlannedStep:
    approvers: tuple[str, ...]
    mode: str  # "all" | "any" | "quorum"
    required: int  # decisions needed to approve the step


@dataclass(frozen=True)
class ChainPlan:
    steps: tuple[PlannedStep, ...]
    problem: str | None = None  # why the chain could not be resolved; None when fine

    @property
    def needs_approval(self) -> bool:
        return bool(self.steps) or self.problem is not None


def choose_rule(service: Service, env: Mapping[str, Any]) -> ApprovalRule | None:
    return next((r for r in service.approval_rules if r.when is None or r.when.evaluate(env)),
                None)


def plan_chain(
    service: Service, requester: Person, directory: Directory, answers: Mapping[str, Any]
) -> ChainPlan:
    rule = choose_rule(service, condition_env(requester, answers))
    if rule is None:
        return ChainPlan(steps=())
    steps = []
    for number, step in enumerate(rule.steps, 1):
        planned, problem = _plan_step(step, requester, directory, answers)
        if problem is not None:
            return ChainPlan(steps=(), problem=f"step {number}: {problem}")
        assert planned is not None
        steps.append(planned)
    return ChainPlan(steps=tuple(steps))


def _plan_step(
    step: ApprovalStepDef, requester: Person, directory: Directory, answers: Mapping[str, Any]
) -> tuple[PlannedStep | None, str | None]:
    people: list[str] = []
    for reference in step.approvers:
        for person in resolve_reference(reference, requester, directory, answers):
            if person not in people:
                people.append(person)
    resolved = [p for p in people if p != requester.id]
    refs = ", ".join(step.approvers)
    if not resolved:
        only_self = bool(people)
        why = "resolves only to the requester" if only_self else "resolves to nobody"
        return None, f"{refs} {why}"
    if step.quorum is not None:
        if step.quorum > len(resolved):
            return None, f"quorum {step.quorum} but only {len(resolved)} approver(s) for {refs}"
        return PlannedStep(tuple(resolved), "quorum", step.quorum), None
    required = 1 if step.mode == "any" else len(resolved)
    return PlannedStep(tuple(resolved), step.mode, required), None


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
