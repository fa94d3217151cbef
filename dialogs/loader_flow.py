"""Reading what happens after a request is filed: ``[[approval.rule]]`` and ``[[task]]``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal, cast

from dialogs.loader_fields import LOCAL_ID, LOCAL_ID_RULE, Fields, read_when
from dialogs.loader_refs import parse_reference
from dialogs.model import ApprovalRule, ApprovalStepDef, TaskDef
from org.toml_tables import Table, did_you_mean

RULE_KEYS = ("when", "steps", "cc")
STEP_KEYS = ("approvers", "mode", "quorum")
TASK_KEYS = ("id", "title", "group", "depends_on", "sla", "when", "description", "recovery")
MODES = ("all", "any")
Mode = Literal["all", "any"]
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


# --- approval -----------------------------------------------------------------------------


def read_approval(top: Table, fields: Fields) -> tuple[ApprovalRule, ...]:
    approval = top.table("approval", ("rule",))
    if approval is None:
        return ()
    rules = []
    for number, raw in enumerate(approval.tables("rule"), 1):
        table = Table(raw, top.report, f"approval.rule[{number}]", RULE_KEYS)
        when = read_when(table, fields)
        rules.append(ApprovalRule(when, _read_steps(table, fields), _read_cc(table, fields)))
    return tuple(rules)


def _read_steps(rule: Table, fields: Fields) -> tuple[ApprovalStepDef, ...]:
    raw = rule.raw("steps", required=True)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw) or not raw:
        rule.problem("must be a list of steps like { approvers = [\"manager\"] }", "steps")
        return ()
    steps = (_read_step(rule.child(s, f"steps[{n}]", STEP_KEYS), fields)
             for n, s in enumerate(raw, 1))
    return tuple(step for step in steps if step is not None)


def _read_step(step: Table, fields: Fields) -> ApprovalStepDef | None:
    approvers = step.texts("approvers", required=True)
    mode = step.choice("mode", MODES, what="approval mode") or "all"
    quorum = step.integer("quorum", minimum=1)
    if approvers is None:
        return None
    if not approvers:
        step.problem("must name at least one approver", "approvers")
        return None
    for approver in approvers:
        _check_approver(step, approver, fields)
    listed_people = all(a.startswith("user:") for a in approvers)
    if quorum is not None and listed_people and quorum > len(approvers):
        step.problem(f"{quorum} is more than the {len(approvers)} approvers listed", "quorum")
    return ApprovalStepDef(approvers, cast(Mode, mode), quorum)


def _read_cc(rule: Table, fields: Fields) -> tuple[str, ...]:
    """``cc = ["role:hr-bp", "dept_head"]``: approver-style references, told of the outcome."""
    cc = rule.texts("cc") or ()
    for reference in cc:
        _check_approver(rule, reference, fields, key="cc")
    return cc


def _check_approver(step: Table, text: str, fields: Fields, key: str = "approvers") -> None:
    try:
        ref = parse_reference(text)
    except ValueError as exc:
        step.say(key, str(exc))
        return
    if ref.kind != "field":
        return
    types = fields.types()
    if ref.target not in types and ref.target not in fields.ids():
        step.say(key, f"'{ref}' names '{ref.target}', which is not a field of this "
                      f"service{did_you_mean(ref.target, fields.ids())}")
    elif types.get(ref.target, "user") != "user":
        step.say(key, f"'{ref}' names field '{ref.target}', which is "
                      f"{types[ref.target]}, not user")


# --- tasks --------------------------------------------------------------------------------


def read_tasks(top: Table, fields: Fields) -> tuple[TaskDef, ...]:
    tables: dict[str, Table] = {}
    tasks: list[TaskDef] = []
    for number, raw in enumerate(top.tables("task"), 1):
        given = raw.get("id")
        item = f"task {given}" if isinstance(given, str) and given.strip() else f"task #{number}"
        table = Table(raw, top.report, item, TASK_KEYS)
        task = _read_task(table, fields)
        if task is None:
            continue
        if task.id in tables:
            table.problem("is defined twice; task ids must be unique", "id")
            continue
        tables[task.id] = table
        tasks.append(task)
    _check_dependencies(tasks, tables)
    return tuple(tasks)


def _read_task(table: Table, fields: Fields) -> TaskDef | None:
    tid = table.text("id", required=True)
    if tid is not None and not LOCAL_ID.fullmatch(tid):
        table.problem(LOCAL_ID_RULE, "id")
    title = table.i18n("title", required=True)
    group = table.text("group", required=True)
    depends_on = table.texts("depends_on") or ()
    sla, description = table.duration("sla"), table.i18n("description")
    when = read_when(table, fields)
    if title is not None:
        _check_placeholders(table, {"zh": title.zh, "en": title.en}, fields)
    if tid is None or title is None or group is None:
        return None
    return TaskDef(tid, title, group, depends_on, sla, when, description,
                   recovery=table.flag("recovery", False))


def _check_placeholders(table: Table, texts: Mapping[str, str], fields: Fields) -> None:
    ids = fields.ids()
    for locale, text in texts.items():
        for name in _PLACEHOLDER.findall(text):
            if name not in ids:
                table.say(f"title.{locale}", f"placeholder '{{{name}}}' is not a field of this "
                                             f"service{did_you_mean(name, ids)}")


def _check_dependencies(tasks: Sequence[TaskDef], tables: Mapping[str, Table]) -> None:
    for task in tasks:
        for needed in task.depends_on:
            if needed == task.id:
                tables[task.id].problem("names the task itself", "depends_on")
            elif needed not in tables:
                tables[task.id].problem(f"names unknown task '{needed}'"
                                        f"{did_you_mean(needed, tables)}", "depends_on")
    for cycle in find_cycles({t.id: [d for d in t.depends_on if d != t.id] for t in tasks}):
        tables[cycle[0]].problem(f"makes a cycle: {' -> '.join(cycle)}", "depends_on")


def find_cycles(edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Each cycle once, as ``[a, b, ..., a]`` starting from its smallest id."""
    cycles: dict[tuple[str, ...], list[str]] = {}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            loop = path[path.index(node):]
            start = loop.index(min(loop))
            loop = loop[start:] + loop[:start]
            cycles.setdefault(tuple(loop), [*loop, loop[0]])
            return
        if node in done or node not in edges:
            return
        for following in edges[node]:
            visit(following, [*path, node])
        done.add(node)

    for node in sorted(edges):
        visit(node, [])
    return list(cycles.values())
