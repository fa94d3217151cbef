"""Who sees which dashboard and cut, in the demo organisation (bot/console/scope.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.console.scope import CutRefused, Scope, scope_of, visible_layers
from bot.metrics.model import Cut
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle
from org.model import Person, Role

BUNDLE = load_bundle(*demo_paths())


def person(pid: str, bundle: Bundle = BUNDLE) -> Person:
    return bundle.directory.persons[pid]


def test_a_group_lead_who_is_also_an_owner_gets_efficiency_and_quality() -> None:
    carol = person("carol")  # leads it-desk, which owns the it.* services
    assert visible_layers(carol, BUNDLE) == ("efficiency", "quality")
    scope = scope_of(carol, "efficiency", BUNDLE)
    assert scope is not None and scope.groups == ("it-desk",)
    assert set(scope.services) == {"it.access", "it.laptop", "it.password"}


def test_an_owner_group_member_gets_their_services_and_no_group() -> None:
    scope = scope_of(person("dave"), "quality", BUNDLE)
    assert scope == Scope("quality", services=("it.access", "it.laptop", "it.password"))
    assert scope_of(person("dave"), "compliance", BUNDLE) is None


def test_governance_sees_compliance_only_and_a_requester_nothing() -> None:
    assert visible_layers(person("mia"), BUNDLE) == ("compliance",)
    assert scope_of(person("mia"), "compliance", BUNDLE) == Scope("compliance", everything=True)
    assert visible_layers(person("alice"), BUNDLE) == ()
    assert scope_of(person("alice"), "no-such-layer", BUNDLE) is None


def test_esm_admin_listed_on_the_role_sees_everything() -> None:
    roles = {**BUNDLE.directory.roles, "esm-admin": Role("esm-admin", ("alice",))}
    bundle = replace(BUNDLE, directory=replace(BUNDLE.directory, roles=roles))
    assert visible_layers(person("alice", bundle), bundle) == ("efficiency", "quality",
                                                               "compliance")


def test_a_scoped_cut_defaults_to_ones_first_group_and_refuses_others() -> None:
    scope = Scope("efficiency", services=("it.laptop",), groups=("it-desk",))
    assert scope.cut(Cut()) == Cut(group="it-desk")
    assert scope.cut(Cut(service="it.laptop", requester_department="HR")) == \
        Cut(service="it.laptop", requester_department="HR")
    assert Scope("quality", services=("it.laptop",)).cut(Cut()) == Cut(service="it.laptop")
    with pytest.raises(CutRefused):
        scope.cut(Cut(group="finance"))
    with pytest.raises(CutRefused):
        scope.cut(Cut(service="fin.expense"))
    assert Scope("compliance", everything=True).cut(Cut(group="finance")) == Cut(group="finance")
