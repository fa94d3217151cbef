"""Issue 16: no approval chain is ever shortened. Planning on the demo directory, the fallback
note as stored and read, when a rejection ends a quorum step, and catalog check's warning."""

from __future__ import annotations

import dataclasses

import pytest

from bot.features.approvals.chain_check import chain_warnings
from bot.features.approvals.fallbacks import format_note, note_text, parse_note
from bot.features.approvals.quorum import rejection_ends_step, still_reachable
from bot.features.approvals.routing import ADMIN_ROLE, Fallback, PlannedStep, plan_chain
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import ApprovalRule, ApprovalStepDef, Bundle, Service
from org.model import Role


@pytest.fixture(scope="module")
def demo() -> Bundle:
    return load_bundle(*demo_paths())


def _service(demo: Bundle, service_id: str) -> Service:
    service = demo.catalog.get(service_id)
    assert service is not None
    return service


def _with_rule(service: Service, *steps: ApprovalStepDef) -> Service:
    return dataclasses.replace(service, approval_rules=(ApprovalRule(None, steps),))


def test_leo_keeps_the_directors_step_of_his_laptop(demo: Bundle) -> None:
    plan = plan_chain(_service(demo, "it.laptop"), demo.directory.persons["leo"],
                      demo.directory, {"amount": 8000})
    assert [s.approvers for s in plan.steps] == [("carol", "dave"), ("erin", "henry")]
    assert plan.steps[0].fallback == Fallback("owner", "nobody", 1, ("manager",),
                                              to=("carol", "dave"))
    assert plan.steps[1] == PlannedStep(("erin", "henry"), "any", 1)


def test_franks_own_department_head_step_goes_one_level_up(demo: Bundle) -> None:
    plan = plan_chain(_service(demo, "proc.purchase"), demo.directory.persons["frank"],
                      demo.directory, {"amount": 50000})
    assert [s.approvers for s in plan.steps] == [("leo",), ("leo",)]
    assert plan.steps[0].fallback is None
    assert plan.steps[1].fallback == Fallback("up", "self", 2, ("dept_head",), to=("leo",))


def test_at_the_top_ones_own_head_step_goes_to_the_owner_group(demo: Bundle) -> None:
    plan = plan_chain(_service(demo, "proc.purchase"), demo.directory.persons["leo"],
                      demo.directory, {"amount": 200000})
    assert len(plan.steps) == 3
    assert plan.steps[1].fallback == Fallback("owner", "self", 2, ("dept_head",), to=("kate",))
    assert plan.steps[2] == PlannedStep(("henry", "grace"), "quorum", 2)


def test_the_owner_group_never_seats_the_requester(demo: Bundle) -> None:
    """kate is the procurement group alone: a step with nobody goes to the esm-admin role."""
    directory = dataclasses.replace(demo.directory, roles={
        **demo.directory.roles, ADMIN_ROLE: Role(ADMIN_ROLE, ("kate", "nina"))})
    service = _with_rule(_service(demo, "proc.purchase"), ApprovalStepDef(("role:nope",)))
    plan = plan_chain(service, directory.persons["kate"], directory, {})
    [step] = plan.steps
    assert step.approvers == ("nina",) and step.fallback is not None
    assert step.fallback.reason == "admin"


def test_with_nobody_left_the_plan_is_stuck_and_approves_nothing(demo: Bundle) -> None:
    service = _with_rule(_service(demo, "proc.purchase"), ApprovalStepDef(("role:cfo",)),
                         ApprovalStepDef(("role:nope",)))
    plan = plan_chain(service, demo.directory.persons["kate"], demo.directory, {})
    assert plan.steps == () and plan.stuck is not None and plan.needs_approval
    assert (plan.stuck.reason, plan.stuck.step) == ("stuck", 2)


def test_a_short_quorum_is_topped_up_by_the_owner_group(demo: Bundle) -> None:
    service = _with_rule(_service(demo, "proc.purchase"),
                         ApprovalStepDef(("role:cfo", "role:ceo"), quorum=2))
    plan = plan_chain(service, demo.directory.persons["leo"], demo.directory, {})
    [step] = plan.steps
    assert step.approvers == ("henry", "kate") and step.required == 2
    assert step.fallback is not None and step.fallback.reason == "quorum"
    assert (step.fallback.required, step.fallback.found) == (2, 1)


def test_an_empty_role_step_goes_alone_to_the_owner_group(demo: Bundle) -> None:
    service = _with_rule(_service(demo, "it.laptop"), ApprovalStepDef(("manager",)),
                         ApprovalStepDef(("role:nope",)), ApprovalStepDef(("role:cfo",)))
    plan = plan_chain(service, demo.directory.persons["alice"], demo.directory, {})
    assert [s.approvers for s in plan.steps] == [("bob",), ("carol", "dave"), ("henry",)]


# --- the note on the step -----------------------------------------------------------------


def test_the_note_keeps_a_code_and_reads_in_each_language(demo: Bundle) -> None:
    fallback = Fallback("owner", "nobody", 1, ("manager",), to=("carol", "dave"))
    note = format_note(fallback)
    assert parse_note(note) == fallback
    assert "nobody" not in note_text(note, _service(demo, "it.laptop"), demo.directory, "zh")
    zh = note_text(note, _service(demo, "it.laptop"), demo.directory, "zh")
    en = note_text(note, _service(demo, "it.laptop"), demo.directory, "en")
    assert zh == "第 1 步（直属上级）在通讯录里找不到审批人，改由服务负责人 IT 服务台 审批。"
    assert en == ("Step 1 (the manager) finds nobody in the directory, so the service owner"
                  " IT desk decides.")


def test_an_old_english_note_still_shows(demo: Bundle) -> None:
    old = "step 1: manager resolves to nobody"
    assert parse_note(old) is None
    assert note_text(old, None, demo.directory, "zh") == old
    assert parse_note('{"v": 1, "reason": "boom"}') is None
    assert parse_note('{"v": 1, "reason": "up", "cause": "self", "step": "x", "refs": [],'
                      ' "to": [], "required": 0, "found": 0}') is None


# --- quorum ---------------------------------------------------------------------------------


def test_one_rejection_of_three_leaves_a_two_of_three_open() -> None:
    assert not rejection_ends_step("quorum", 2, ["rejected", "pending", "pending"])
    assert rejection_ends_step("quorum", 2, ["rejected", "rejected", "pending"])
    assert not rejection_ends_step("quorum", 2, ["approved", "rejected", "pending"])
    assert still_reachable(2, ["approved", "approved", "rejected"])


def test_any_one_and_countersign_end_at_the_first_rejection() -> None:
    assert rejection_ends_step("any", 1, ["rejected", "pending", "pending"])
    assert rejection_ends_step("all", 3, ["rejected", "pending", "pending"])


# --- catalog check ------------------------------------------------------------------------


def test_catalog_check_names_who_would_go_to_the_owner_group(demo: Bundle) -> None:
    warnings = {(w.service, w.rule, w.step): w for w in chain_warnings(demo)}
    assert warnings[("it.laptop", 2, 1)].people == ("leo",)
    assert ("it.laptop", 2, 2) not in warnings
    assert warnings[("proc.purchase", 3, 2)].people == ("leo",)  # frank goes up, leo cannot
    assert "leo" in str(warnings[("it.laptop", 2, 1)])


def test_a_long_list_of_people_is_capped(demo: Bundle) -> None:
    service = _with_rule(_service(demo, "it.laptop"), ApprovalStepDef(("role:nope",)))
    bundle = dataclasses.replace(demo, catalog=dataclasses.replace(
        demo.catalog, services={"it.laptop": service}))
    [warning] = chain_warnings(bundle)
    assert len(warning.people) == len(demo.directory.persons)
    assert str(warning).endswith("the service owner at that step")
    assert f"and {len(warning.people) - 5} more" in str(warning)


def test_field_references_are_not_warned_about(demo: Bundle) -> None:
    service = _with_rule(_service(demo, "it.laptop"), ApprovalStepDef(("field:buddy",)))
    bundle = dataclasses.replace(demo, catalog=dataclasses.replace(
        demo.catalog, services={"it.laptop": service}))
    assert chain_warnings(bundle) == []
