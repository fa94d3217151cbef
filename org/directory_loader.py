"""Reading ``directory.toml``: people, groups, roles, departments and delegations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar, cast

from chat.locale import LOCALES, I18n, Locale
from org.model import Delegation, Dept, Directory, Group, Person, Role
from org.toml_tables import Report, Table, did_you_mean, read_toml, valid_timezone

TOP_KEYS = ("person", "group", "role", "dept", "delegation")
PERSON_KEYS = ("id", "name", "dept", "level", "manager", "roles", "locale", "timezone", "email",
               "slack", "wecom", "dingtalk")
GROUP_KEYS = ("id", "name", "members", "lead", "chat")
CHANNELS = ("slack", "wecom", "dingtalk")
ROLE_KEYS = ("id", "members")
DEPT_KEYS = ("id", "head", "name")
DELEGATION_KEYS = ("from", "to", "start", "end")
DEFAULT_TIMEZONE = "Asia/Shanghai"
T = TypeVar("T")


def read_directory(path: Path, report: Report) -> Directory | None:
    """The directory in ``path``, read as far as it goes; None when the file is not TOML."""
    data = read_toml(path, report)
    if data is None:
        return None
    top = Table(data, report, "directory", TOP_KEYS)
    persons = _read_all(top, "person", _read_person)
    roles = _read_all(top, "role", _read_role)
    directory = Directory(
        persons=_with_roles(persons, roles),
        groups=_read_all(top, "group", _read_group),
        roles=_members_from_persons(roles, persons),
        depts=_read_all(top, "dept", _read_dept),
        delegations=tuple(_read_delegations(top)),
    )
    _check_links(directory, persons, report)
    return directory


def _read_all(top: Table, kind: str, read: Callable[[Table], T | None]) -> dict[str, T]:
    """Every ``[[kind]]`` keyed by id; a second one with the same id is reported and dropped."""
    found: dict[str, T] = {}
    for number, raw in enumerate(top.tables(kind), 1):
        given = raw.get("id")
        named = isinstance(given, str) and given.strip()
        item = f"{kind} {given}" if named else f"{kind} #{number}"
        table = Table(raw, top.report, item, _KEYS[kind])
        value = read(table)
        if value is None:
            continue
        key = cast(Any, value).id
        if key in found:
            table.problem(f"is defined twice; each {kind} id must be unique", "id")
            continue
        found[key] = value
    return found


def _read_person(table: Table) -> Person | None:
    pid, name = table.text("id", required=True), table.text("name", required=True)
    locale = table.choice("locale", LOCALES, what="locale") or "zh"
    timezone = table.text("timezone") or DEFAULT_TIMEZONE
    if not valid_timezone(timezone):
        table.problem(f"names unknown time zone {timezone!r} (e.g. Asia/Shanghai)", "timezone")
    channels = {key: table.text(key) for key in (*CHANNELS, "email")}
    person = Person(
        id=pid or "", name=name or pid or "", dept=table.text("dept") or "",
        level=table.integer("level", minimum=0) or 0, manager=table.text("manager"),
        roles=table.texts("roles") or (), locale=cast(Locale, locale), timezone=timezone,
        **channels,
    )
    return person if pid is not None else None  # kept without a name: others refer to it


def _read_group(table: Table) -> Group | None:
    gid, name = table.text("id", required=True), table.i18n("name", required=True)
    members, lead = table.texts("members", required=True), table.text("lead")
    chat_table = table.table("chat", CHANNELS)
    chat = {k: v for k in CHANNELS if chat_table and (v := chat_table.text(k)) is not None}
    if gid is None:
        return None
    return Group(gid, name or I18n(gid, gid), members or (), lead, chat)


def _read_role(table: Table) -> Role | None:
    rid, members = table.text("id", required=True), table.texts("members")
    return None if rid is None else Role(rid, members or ())


def _read_dept(table: Table) -> Dept | None:
    did, head = table.text("id", required=True), table.text("head", required=True)
    return None if did is None else Dept(did, head or "", table.i18n("name"))


def _read_delegations(top: Table) -> list[Delegation]:
    delegations = []
    for number, raw in enumerate(top.tables("delegation"), 1):
        table = Table(raw, top.report, f"delegation[{number}]", DELEGATION_KEYS)
        who, to = table.text("from", required=True), table.text("to", required=True)
        start, end = table.day("start", required=True), table.day("end", required=True)
        if start and end and end < start:
            table.problem(f"({end}) is before 'start' ({start})", "end")
        if who is not None and who == to:
            table.problem(f"is '{who}', the same person as 'from'", "to")
        if who and to and start and end:
            delegations.append(Delegation(who, to, start, end))
    return delegations


_KEYS = {"person": PERSON_KEYS, "group": GROUP_KEYS, "role": ROLE_KEYS, "dept": DEPT_KEYS}


def _with_roles(persons: Mapping[str, Person], roles: Mapping[str, Role]) -> dict[str, Person]:
    """Each person with every role they have, whether listed on them or on the role."""
    def held(person: Person) -> tuple[str, ...]:
        listed = [r for r in person.roles if r in roles]
        return tuple(dict.fromkeys([*listed, *(r.id for r in roles.values()
                                               if person.id in r.members)]))
    return {pid: replace(p, roles=held(p)) for pid, p in persons.items()}


def _members_from_persons(roles: Mapping[str, Role], persons: Mapping[str, Person]
                          ) -> dict[str, Role]:
    def members(role: Role) -> tuple[str, ...]:
        listed = [p.id for p in persons.values() if role.id in p.roles]
        return tuple(dict.fromkeys([*role.members, *listed]))
    return {rid: replace(role, members=members(role)) for rid, role in roles.items()}


def _check_links(directory: Directory, persons: Mapping[str, Person], report: Report) -> None:
    """Every id a directory entry names must be a person, role or department in it."""
    people = directory.persons

    def person(item: str, key: str, pid: str | None) -> None:
        if pid and pid not in people:
            report.add(item, f"'{key}' names unknown person '{pid}'{did_you_mean(pid, people)}")

    for p in persons.values():
        person(f"person {p.id}", "manager", p.manager)
        for role in p.roles:
            if role not in directory.roles:
                report.add(f"person {p.id}", f"'roles' names unknown role '{role}'"
                                             f"{did_you_mean(role, directory.roles)}")
        if directory.depts and p.dept and p.dept not in directory.depts:
            report.add(f"person {p.id}", f"'dept' names unknown dept '{p.dept}'"
                                         f"{did_you_mean(p.dept, directory.depts)}")
    for g in directory.groups.values():
        for member in g.members:
            person(f"group {g.id}", "members", member)
        person(f"group {g.id}", "lead", g.lead)
    for r in directory.roles.values():
        for member in r.members:
            person(f"role {r.id}", "members", member)
    for d in directory.depts.values():
        person(f"dept {d.id}", "head", d.head)
    for n, delegation in enumerate(directory.delegations, 1):
        person(f"delegation[{n}]", "from", delegation.from_person)
        person(f"delegation[{n}]", "to", delegation.to_person)
    for cycle in manager_cycles(people):
        report.add(f"person {cycle[0]}", f"managers form a cycle: {' -> '.join(cycle)}")


def manager_cycles(persons: Mapping[str, Person]) -> list[list[str]]:
    """Each cycle of managers once, as ``[a, b, ..., a]`` starting from its smallest id."""
    cycles: dict[frozenset[str], list[str]] = {}
    settled: set[str] = set()
    for start in sorted(persons):
        chain: list[str] = []
        pid: str | None = start
        while pid is not None and pid in persons and pid not in settled and pid not in chain:
            chain.append(pid)
            pid = persons[pid].manager
        if pid is not None and pid in chain:
            loop = chain[chain.index(pid):]
            first = loop.index(min(loop))
            loop = loop[first:] + loop[:first]
            cycles.setdefault(frozenset(loop), [*loop, loop[0]])
        settled.update(chain)
    return list(cycles.values())
