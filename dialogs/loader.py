"""Loading the organisation's files (CATALOG.md): the catalog folder, the directory and the
calendars, validated together so that every problem is named at once (file, item, message).

    bundle = load_bundle(catalog_folder, directory_file, calendars_file)  # or BundleError
    problems = check_bundle(catalog_folder, directory_file, calendars_file)  # [] when fine
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from dialogs.loader_catalog import SERVICE_ID, read_catalog_folder
from dialogs.loader_refs import check_catalog_refs
from dialogs.model import Bundle, Catalog, Service
from org.calendar_loader import read_calendars
from org.directory_loader import read_directory
from org.model import Calendar, Directory, Problem
from org.toml_tables import Report

__all__ = [
    "BundleError",
    "check_bundle",
    "demo_paths",
    "load_bundle",
    "load_calendars",
    "load_catalog",
    "load_directory",
]

_EMPTY_DIRECTORY = Directory(persons={}, groups={}, roles={}, depts={})


class BundleError(Exception):
    """The organisation's files have problems; ``problems`` names each (file, item, message)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_catalog(path: Path) -> tuple[Catalog, list[Problem]]:
    """The services of every ``*.toml`` under ``path``, and the problems found in them alone
    (references to the directory and calendars are checked by ``check_bundle``)."""
    problems: list[Problem] = []
    services = read_catalog_folder(Path(path), problems)
    return _catalog(services, problems), problems


def load_directory(path: Path) -> tuple[Directory, list[Problem]]:
    problems: list[Problem] = []
    directory = read_directory(Path(path), Report(path, problems))
    return directory or _EMPTY_DIRECTORY, problems


def load_calendars(path: Path) -> tuple[dict[str, Calendar], list[Problem]]:
    problems: list[Problem] = []
    calendars = read_calendars(Path(path), Report(path, problems))
    return calendars or {}, problems


def check_bundle(catalog_path: Path, directory_path: Path, calendars_path: Path) -> list[Problem]:
    """Every problem in the three, and in what they say about each other; [] when all is fine."""
    return _load(catalog_path, directory_path, calendars_path)[1]


def load_bundle(catalog_path: Path, directory_path: Path, calendars_path: Path) -> Bundle:
    """The catalog, directory and calendars; raises ``BundleError`` naming every problem."""
    bundle, problems = _load(catalog_path, directory_path, calendars_path)
    if problems:
        raise BundleError(problems)
    return bundle


def demo_paths() -> tuple[Path, Path, Path]:
    """The demo content shipped with esmbot: catalog folder, directory file, calendars file."""
    demo = Path(str(resources.files("dialogs") / "demo"))
    return demo / "catalog", demo / "directory.toml", demo / "calendars.toml"


def _load(catalog_path: Path, directory_path: Path, calendars_path: Path
          ) -> tuple[Bundle, list[Problem]]:
    problems: list[Problem] = []
    services = read_catalog_folder(Path(catalog_path), problems)
    directory = read_directory(Path(directory_path), Report(directory_path, problems))
    calendars = read_calendars(Path(calendars_path), Report(calendars_path, problems))
    catalog = _catalog(services, problems)
    calendar_ids = None if calendars is None else set(calendars)
    problems += check_catalog_refs(services, directory, calendar_ids)
    bundle = Bundle(catalog, directory or _EMPTY_DIRECTORY, calendars or {})
    return bundle, problems


def _catalog(services: Iterable[Service], problems: list[Problem]) -> Catalog:
    """The services keyed by id; one whose id is missing, malformed or taken is left out."""
    by_id: dict[str, Service] = {}
    for service in services:
        if not SERVICE_ID.fullmatch(service.id):
            continue  # already reported by the service's own checks
        if service.id in by_id:
            first = by_id[service.id].source
            problems.append(Problem(service.source, f"service {service.id}",
                                    f"the id '{service.id}' is already used by {first}"))
            continue
        by_id[service.id] = service
    return Catalog(by_id)
