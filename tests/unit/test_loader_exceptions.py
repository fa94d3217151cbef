"""Governed exceptions in a service package: every key of the contract is read, and every
mistake an administrator can make is named by file, item and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from chat.locale import I18n
from dialogs.loader import load_catalog
from org.model import Duration
from tests.unit.test_loader import SERVICE, assert_problem, broken, write_bundle

EXPEDITE = """\
[exceptions.expedite]
approver = "role:it-director"
reasons = ["new-hire-start-date", "other"]
max_duration = "3bd"
"""

FULL = """\
[exceptions.expedite]
name = { zh = "加急", en = "Expedite" }
effect = "expedite"
approver = "role:it-director"
high_impact_approver = "role:cfo"
reasons = [
  { value = "customer-site", label = { zh = "客户现场", en = "Customer on site" } },
  "other",
]
max_duration = "3bd"
resolution = "1bd"
review_threshold = 3

[[exceptions.expedite.recovery]]
id = "normalise"
title = { zh = "复核加急处理结果", en = "Review the expedited handling" }
group = "it-desk"
sla = "1bd"

[exceptions.temporary]
effect = "allow"
approver = "user:henry"
reasons = ["incident"]
max_duration = "2d"
"""


def with_exceptions(text: str) -> str:
    return broken(SERVICE, EXPEDITE, text)


def test_every_key_of_the_contract_is_read(tmp_path: Path) -> None:
    files = write_bundle(tmp_path, service=with_exceptions(FULL))
    assert files.check() == []
    service = load_catalog(files.catalog)[0].services["it.laptop"]
    expedite, temporary = service.exceptions
    assert (expedite.kind, expedite.effect, expedite.name) == (
        "expedite", "expedite", I18n("加急", "Expedite"))
    assert expedite.high_impact_approver == "role:cfo"
    assert [(r.value, r.label.en) for r in expedite.reasons] == [
        ("customer-site", "Customer on site"), ("other", "other")]
    assert (expedite.max_duration, expedite.resolution, expedite.review_threshold) == (
        Duration(3, "bd"), Duration(1, "bd"), 3)
    assert [(t.id, t.group, t.recovery) for t in expedite.recovery] == [
        ("normalise", "it-desk", True)]
    assert (temporary.effect, temporary.name, temporary.recovery) == (
        "allow", I18n("temporary", "temporary"), ())


def test_a_task_may_be_a_recovery_task(tmp_path: Path) -> None:
    files = write_bundle(tmp_path, service=broken(SERVICE, 'sla = "1bd"\n',
                                                  'sla = "1bd"\nrecovery = true\n'))
    assert files.check() == []
    tasks = load_catalog(files.catalog)[0].services["it.laptop"].tasks
    assert [t.recovery for t in tasks] == [False, True]


CASES = [
    ("unknown effect", 'effect = "expedite"', 'effect = "skip"',
     "unknown exception effect 'skip'", "expedite | defer_approval | allow".replace(" |", ",")),
    ("requester may approve", 'approver = "role:it-director"', 'approver = "field:reason"',
     "exceptions.expedite.approver: 'field:reason' can name the requester"),
    ("unknown high-impact role", 'high_impact_approver = "role:cfo"',
     'high_impact_approver = "role:cio"',
     "exceptions.expedite.high_impact_approver: 'role:cio' names unknown role"),
    ("same high-impact approver", 'high_impact_approver = "role:cfo"',
     'high_impact_approver = "role:it-director"', "names the same approvers"),
    ("recovery to unknown group", 'group = "it-desk"\nsla = "1bd"\n\n[exceptions.temporary]',
     'group = "it-dsk"\nsla = "1bd"\n\n[exceptions.temporary]',
     "'exceptions.expedite.recovery[1].group' names unknown group 'it-dsk'",
     "did you mean 'it-desk'?"),
    ("resolution slower than the service", 'resolution = "1bd"', 'resolution = "8bd"',
     "'exceptions.expedite.resolution' '8bd' is longer than the service's own resolution"),
    ("expedite without resolution", 'resolution = "1bd"\n', "",
     "'exceptions.expedite.resolution' is needed by effect \"expedite\""),
    ("resolution on allow", 'max_duration = "2d"', 'max_duration = "2d"\nresolution = "1h"',
     "'exceptions.temporary.resolution' only applies to effect \"expedite\""),
    ("unknown key", "review_threshold = 3", "review_treshold = 3",
     "unknown key 'exceptions.expedite.review_treshold'"),
    ("negative threshold", "review_threshold = 3", "review_threshold = -1",
     "'exceptions.expedite.review_threshold' must be at least 0"),
    ("duplicate reason", '"other",\n]', '"other",\n  "other",\n]',
     "'exceptions.expedite.reasons' lists 'other' twice"),
    ("reason without label", ', label = { zh = "客户现场", en = "Customer on site" }', "",
     "missing required key 'exceptions.expedite.reasons[1].label'"),
    ("bad kind id", "[exceptions.temporary]", '[exceptions."Temp Access"]',
     "'exceptions.Temp Access' must be lowercase letters"),
]


@pytest.mark.parametrize(("name", "old", "new", "words"),
                         [pytest.param(*c[:3], c[3:], id=c[0]) for c in CASES])
def test_a_broken_exception_is_named(tmp_path: Path, name: str, old: str, new: str,
                                     words: tuple[str, ...]) -> None:
    files = write_bundle(tmp_path, service=with_exceptions(broken(FULL, old, new)))
    assert_problem(files.check(), files.service, "service it.laptop", *words)


def test_business_durations_need_the_service_calendar(tmp_path: Path) -> None:
    text = broken(with_exceptions(EXPEDITE), 'calendar = "cn-office"\n', "")
    files = write_bundle(tmp_path, service=text)
    assert_problem(files.check(), files.service, "service it.laptop",
                   "'exceptions.expedite.max_duration' '3bd' counts business time")


def test_catalog_check_warns_when_an_approver_can_only_be_the_requester() -> None:
    """erin is the only IT director: her own laptop's expedite has nobody to grant it. A
    warning (the catalog is valid); in chat her request is refused, never self-granted."""
    from bot.features.exceptions.check import exception_warnings
    from dialogs.loader import demo_paths, load_bundle

    warnings = [str(w) for w in exception_warnings(load_bundle(*demo_paths()))]
    assert ("warning: it.laptop exception expedite (role:it-director) names only the "
            "requester for erin; their requests for it will be refused") in warnings
    assert not any("(manager)" in w for w in warnings)
