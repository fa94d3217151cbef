"""Which chain a request gets, resolved against the demo directory (issue 4 builds on this)."""

from __future__ import annotations

import pytest

from bot.features.approvals.routing import Fallback, PlannedStep, plan_chain, resolve_reference
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle


@pytest.fixture(scope="module")
def demo() -> Bundle:
    return load_bundle(*demo_paths())


def test_a_small_laptop_goes_to_the_manager_only(demo: Bundle) -> None:
    service = demo.catalog.get("it.laptop")
    assert service is not None
    plan = plan_chain(service, demo.directory.persons["alice"], demo.directory, {"amount": 800})
    assert plan.stuck is None and plan.fallbacks == ()
    assert [s.approvers for s in plan.steps] == [("bob",)]


def test_a_big_laptop_adds_an_any_one_step(demo: Bundle) -> None:
    service = demo.catalog.get("it.laptop")
    assert service is not None
    plan = plan_chain(service, demo.directory.persons["alice"], demo.directory, {"amount": 8000})
    assert len(plan.steps) == 2
    assert plan.steps[1].mode == "any" and plan.steps[1].required == 1
    assert {"erin", "henry"} <= set(plan.steps[1].approvers)


def test_a_big_purchase_ends_with_a_quorum(demo: Bundle) -> None:
    service = demo.catalog.get("proc.purchase")
    assert service is not None
    plan = plan_chain(service, demo.directory.persons["alice"], demo.directory,
                      {"amount": 200000})
    assert plan.steps[-1].mode == "quorum" and plan.steps[-1].required == 2


def test_the_top_of_the_company_has_no_manager_so_the_owner_group_takes_that_step(
        demo: Bundle) -> None:
    """Issue 16 changed this: the step goes, alone, to the owner group (was: a plan problem)."""
    service = demo.catalog.get("it.laptop")
    assert service is not None
    plan = plan_chain(service, demo.directory.persons["leo"], demo.directory, {"amount": 800})
    assert plan.stuck is None
    assert plan.steps == (PlannedStep(("carol", "dave"), "any", 1, Fallback(
        "owner", "nobody", 1, ("manager",), to=("carol", "dave"))),)


def test_a_requester_never_approves_their_own_request(demo: Bundle) -> None:
    service = demo.catalog.get("it.laptop")
    assert service is not None
    erin = demo.directory.persons["erin"]
    plan = plan_chain(service, erin, demo.directory, {"amount": 8000})
    assert all("erin" not in step.approvers for step in plan.steps)


def test_references_resolve_through_the_directory(demo: Bundle) -> None:
    alice = demo.directory.persons["alice"]
    assert resolve_reference("manager", alice, demo.directory, {}) == ("bob",)
    assert resolve_reference("manager:2", alice, demo.directory, {}) == ("frank",)
    assert resolve_reference("manager:9", alice, demo.directory, {}) == ()
    assert resolve_reference("user:carol", alice, demo.directory, {}) == ("carol",)
    assert resolve_reference("field:buddy", alice, demo.directory, {"buddy": "dave"}) == ("dave",)
    assert resolve_reference("field:buddy", alice, demo.directory, {"buddy": "nobody"}) == ()
    assert resolve_reference("role:nope", alice, demo.directory, {}) == ()
