"""A generated directory: the demo company plus N employees, each a distinct Slack user.

Employee ``e00042`` is Slack user ``UE00042`` with the DM channel ``DE00042``; every 25
employees share a manager (``m0001`` ...), who reports to the demo's ``frank``. The groups,
roles and departments are the demo's, so the demo catalog's approvals and tasks resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialogs.loader import demo_paths

TEAM_SIZE = 25


@dataclass(frozen=True)
class Employee:
    person: str  # directory id
    user: str  # Slack user id
    channel: str  # the DM channel with the bot


def employee(index: int) -> Employee:
    return Employee(f"e{index:05d}", f"UE{index:05d}", f"DE{index:05d}")


def write_directory(path: Path, employees: int) -> Path:
    """The demo directory with ``employees`` more people (and their managers) at ``path``."""
    demo = demo_paths()[1].read_text(encoding="utf-8")
    managers = (employees + TEAM_SIZE - 1) // TEAM_SIZE
    lines = [demo, "\n# --- generated for the benchmark ---\n"]
    for m in range(1, managers + 1):
        lines.append(_person(f"m{m:04d}", f"经理{m:04d}", 5, "frank", f"UM{m:04d}"))
    for i in range(employees):
        who = employee(i)
        lines.append(_person(who.person, f"员工{i:05d}", 3, f"m{i // TEAM_SIZE + 1:04d}",
                             who.user))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _person(person: str, name: str, level: int, manager: str, slack: str) -> str:
    return (f'\n[[person]]\nid = "{person}"\nname = "{name}"\ndept = "Engineering"\n'
            f'level = {level}\nmanager = "{manager}"\nlocale = "zh"\n'
            f'email = "{person}@bench.example.com"\nslack = "{slack}"\n')
