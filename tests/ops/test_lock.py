"""The locked install (issue 21): the lock files agree with pyproject.toml, and what is
installed is exactly what they pin."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from devtools.lock import LOCKS, ROOT, dependency_digest, recorded_digest

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match[1])] = match[2]
    return found


def direct_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(("name", "extras"), LOCKS.items())
def test_the_lock_was_compiled_from_this_pyproject(name: str, extras: tuple[str, ...]) -> None:
    assert recorded_digest(ROOT / name) == dependency_digest(extras=extras), (
        f"pyproject.toml's dependencies changed since {name} was compiled: run `make lock`")


@pytest.mark.parametrize(("name", "extras"), LOCKS.items())
def test_every_direct_dependency_is_pinned_within_its_range(name: str,
                                                            extras: tuple[str, ...]) -> None:
    pinned = pins(ROOT / name)
    for requirement in direct_requirements(extras):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in {name}"
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)


def test_every_pin_carries_hashes() -> None:
    for name in LOCKS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert text.count("==") == len(pins(ROOT / name)) > 0
        assert all("--hash=sha256:" in block for block in text.split("==")[1:]), name


def test_the_installed_versions_are_the_locked_ones() -> None:
    """What `make setup` installed is exactly requirements-dev.lock (no drift, no extras)."""
    wrong = {package: (version, metadata.version(package))
             for package, version in pins(ROOT / "requirements-dev.lock").items()
             if metadata.version(package) != version}
    assert wrong == {}


def test_version_names_the_package_and_the_schema() -> None:
    import subprocess
    import sys

    from store.migrate import head

    shown = subprocess.run([sys.executable, "-m", "bot.cli", "--version"], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert shown == f"esmbot {metadata.version('esmbot')} (database schema {head()})"
