"""``esmbot catalog check``'s warning: an exception approver that, for some requesters, can
name nobody but the requester themselves (``role:it-director`` when the IT director files a
laptop). Their exception requests are refused ("nobody but you could grant it"), never granted
by themselves; a warning, since the catalog is valid."""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.approvals.routing import resolve_reference
from dialogs.model import Bundle

SHOWN_PEOPLE = 5


@dataclass(frozen=True)
class ExceptionWarning:
    service: str
    kind: str
    reference: str
    people: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.people[:SHOWN_PEOPLE])
        more = len(self.people) - SHOWN_PEOPLE
        if more > 0:
            shown += f" and {more} more"
        return (f"warning: {self.service} exception {self.kind} ({self.reference}) names only "
                f"the requester for {shown}; their requests for it will be refused")


def exception_warnings(bundle: Bundle) -> list[ExceptionWarning]:
    directory = bundle.directory
    warnings = []
    for service in sorted(bundle.catalog.services.values(), key=lambda s: s.id):
        for kind in service.exceptions:
            for reference in (kind.approver, kind.high_impact_approver):
                if reference is None:
                    continue
                alone = tuple(
                    person.id for person in sorted(directory.persons.values(),
                                                   key=lambda p: p.id)
                    if set(resolve_reference(reference, person, directory, {})) <= {person.id})
                if alone:
                    warnings.append(ExceptionWarning(service.id, kind.kind, reference, alone))
    return warnings
