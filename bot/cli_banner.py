"""What ``esmbot chat`` prints first, and what ``/who`` lists: drawn from the directory and the
catalog in use, so that an organisation's own people and services are what it suggests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from chat.i18n import say
from dialogs.model import Bundle, Service
from org.model import Directory, Person

EXAMPLES = 3  # services suggested, one per department while there are departments left
AGENTS = 2  # agents suggested for claiming tasks


def banner(bundle: Bundle, persona: str, *, store: str, today: date) -> str:
    directory = bundle.directory
    person = directory.persons[persona]
    loc = person.locale
    lines = [say("cli.banner_head", loc, store=store, services=len(bundle.catalog.services),
                 people=len(directory.persons), persona=persona, name=person.name,
                 dept=directory.dept_label(person.dept, loc) or "-")]
    lines += [say("cli.banner_example", loc, zh=s.name.zh, en=s.name.en)
              for s in example_services(bundle)]
    lines.append(say("cli.banner_commands", loc))
    if person.manager and person.manager in directory.persons:
        colleague = next((p for p in directory.persons if p not in (persona, person.manager)),
                         person.manager)
        until = today + timedelta(days=7)
        lines.append(say("cli.banner_approver", loc, manager=person.manager,
                         colleague=colleague, until=until.isoformat()))
    agents = example_agents(bundle, persona)
    if agents:
        lines.append(say("cli.banner_agents", loc,
                         agents=", ".join(f"/as {agent}" for agent in agents)))
    lines.append(say("cli.banner_foot", loc))
    return "\n".join(lines)


def example_services(bundle: Bundle) -> list[Service]:
    """Up to ``EXAMPLES`` services, from as many departments as there are."""
    by_department = bundle.catalog.by_department()
    picked: list[Service] = []
    for rank in range(max((len(s) for s in by_department.values()), default=0)):
        for services in by_department.values():
            if rank < len(services) and len(picked) < EXAMPLES:
                picked.append(services[rank])
    return picked


def example_agents(bundle: Bundle, persona: str) -> list[str]:
    """Up to ``AGENTS`` people in the groups that fulfilment tasks go to, persona excepted."""
    groups = [task.group for s in bundle.catalog.services.values() for task in s.tasks]
    members = (member for gid in dict.fromkeys(groups)
               if (group := bundle.directory.groups.get(gid)) for member in group.members)
    return list(dict.fromkeys(m for m in members if m != persona))[:AGENTS]


def who(directory: Directory, locale: str) -> str:
    """``/who``: every person with their name, department and roles, one per line."""
    lines = [say("console.who_head", locale)]
    lines += [_who_line(directory, person, locale) for person in _sorted(directory)]
    return "\n".join(lines)


def _who_line(directory: Directory, person: Person, locale: str) -> str:
    roles = [*person.roles, *_group_roles(directory, person.id, locale)]
    return say("console.who_line", locale, id=f"{person.id:<8}", name=person.name,
               dept=directory.dept_label(person.dept, locale) or "-",
               roles=", ".join(roles) or "-")


def _group_roles(directory: Directory, person_id: str, locale: str) -> Iterator[str]:
    for group in directory.groups.values():
        if person_id == group.lead:
            yield say("console.who_lead", locale, group=group.id)
        elif person_id in group.members:
            yield group.id


def _sorted(directory: Directory) -> list[Person]:
    return sorted(directory.persons.values(), key=lambda p: (p.dept, p.id))
