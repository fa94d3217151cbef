"""People's names as chat shows them."""

from __future__ import annotations

from collections.abc import Sequence

from chat.i18n import say
from org.model import Directory


def name_of(directory: Directory, person_id: str | None) -> str:
    person = directory.person(person_id or "")
    return person.name if person else (person_id or "-")


def names(directory: Directory, people: Sequence[str], locale: str) -> str:
    return say("fmt.list_sep", locale).join(name_of(directory, p) for p in people) or "-"
