"""What a timer is about: ``request:<id>``, ``task:<id>``, ``seat:<id>`` (an approver's seat)
or ``person:<id>`` (a digest)."""

from __future__ import annotations

from typing import Literal

SubjectKind = Literal["request", "task", "seat", "person", "exception"]


def subject_of(kind: SubjectKind, ident: int | str | None) -> str:
    return f"{kind}:{ident}"


def number_of(text: str) -> int:
    """The row id a ``request:``, ``task:`` or ``seat:`` subject names (0 when it names none)."""
    return int(text.partition(":")[2] or 0)
