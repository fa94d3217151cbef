"""Approver references (``manager``, ``manager:2``, ``role:cfo`` ...) and the checks that tie a
catalog to the directory and the calendars it names."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from dialogs.model import Service
from org.model import Directory, Problem
from org.toml_tables import did_you_mean

REFERENCE_KINDS = ("manager", "dept_head", "role", "group", "user", "field")
OWNER_KINDS = ("group", "role", "user")
_SHAPES = "manager, manager:N, dept_head, role:<id>, group:<id>, user:<id> or field:<id>"


@dataclass(frozen=True)
class Reference:
    kind: str  # one of REFERENCE_KINDS
    target: str = ""  # the id after the colon; for manager the number of levels up

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind


def parse_reference(text: str) -> Reference:
    """Read an approver reference; raises ``ValueError`` saying which shapes are allowed."""
    kind, colon, target = text.strip().partition(":")
    if kind == "manager":
        if not colon:
            return Reference("manager", "1")
        if target.isascii() and target.isdigit() and int(target) >= 1:
            return Reference("manager", str(int(target)))
        raise ValueError(f"'{text}': the number of levels after 'manager:' must be 1 or more")
    if kind == "dept_head" and not colon:
        return Reference("dept_head")
    if kind in ("role", "group", "user", "field"):
        if colon and target.strip():
            return Reference(kind, target.strip())
        raise ValueError(f"'{text}' needs an id: {kind}:<id>")
    hint = did_you_mean(kind, REFERENCE_KINDS)
    raise ValueError(f"'{text}' is not an approver reference{hint}; use {_SHAPES}")


def directory_problem(ref: Reference, directory: Directory) -> str | None:
    """Why ``ref`` names something the directory lacks; None when it is there (or not a name)."""
    catalogs: dict[str, Mapping[str, object]] = {
        "role": directory.roles, "group": directory.groups, "user": directory.persons,
    }
    known = catalogs.get(ref.kind)
    if known is None or ref.target in known:
        return None
    what = "person" if ref.kind == "user" else ref.kind
    return f"'{ref}' names unknown {what} '{ref.target}'{did_you_mean(ref.target, known)}"


def check_catalog_refs(services: Iterable[Service], directory: Directory | None,
                       calendars: Collection[str] | None) -> list[Problem]:
    """Problems of services naming groups, roles, people or calendars that do not exist.

    ``None`` for the directory or calendars means that file could not be read: skip its checks.
    """
    problems: list[Problem] = []
    for service in services:
        found = _people_problems(service, directory) if directory is not None else []
        if calendars is not None:
            found += _calendar_problems(service, calendars)
        problems += [Problem(service.source, item, message) for item, message in found]
    return problems


def _calendar_problems(service: Service, calendars: Collection[str]) -> list[tuple[str, str]]:
    name = service.sla.calendar
    if name is None or name in calendars:
        return []
    hint = did_you_mean(name, calendars)
    return [(f"service {service.id}", f"'sla.calendar' names unknown calendar '{name}'{hint}")]


def _people_problems(service: Service, directory: Directory) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item, prefix, text in _references_of(service):
        try:
            ref = parse_reference(text)
        except ValueError:
            continue  # the catalog loader reported the syntax
        problem = directory_problem(ref, directory)
        if problem is not None:
            found.append((item, f"{prefix}{problem}"))
    for task in service.tasks:
        if task.group not in directory.groups:
            found.append((f"task {task.id}", f"'group' names unknown group '{task.group}'"
                                             f"{did_you_mean(task.group, directory.groups)}"))
    return found + _exception_problems(service, directory)


def _exception_problems(service: Service, directory: Directory) -> list[tuple[str, str]]:
    """Exception recovery tasks naming groups the directory lacks."""
    found: list[tuple[str, str]] = []
    item = f"service {service.id}"
    for kind in service.exceptions:
        for number, task in enumerate(kind.recovery, 1):
            if task.group not in directory.groups:
                found.append((item, f"'exceptions.{kind.kind}.recovery[{number}].group' names "
                                    f"unknown group '{task.group}'"
                                    f"{did_you_mean(task.group, directory.groups)}"))
    return found


def _references_of(service: Service) -> list[tuple[str, str, str]]:
    """(item, message prefix, reference) for every approver-style reference in the service."""
    item = f"service {service.id}"
    found = [(item, "service.owner: ", service.owner)] if service.owner else []
    for r, rule in enumerate(service.approval_rules, 1):
        for s, step in enumerate(rule.steps, 1):
            found += [(f"approval.rule[{r}]", f"steps[{s}].approvers: ", a)
                      for a in step.approvers]
        found += [(f"approval.rule[{r}]", "cc: ", c) for c in rule.cc]
    for kind in service.exceptions:
        found.append((item, f"exceptions.{kind.kind}.approver: ", kind.approver))
        if kind.high_impact_approver:
            found.append((item, f"exceptions.{kind.kind}.high_impact_approver: ",
                          kind.high_impact_approver))
    return found
