"""A request's facts folded from hand-made trails, on the demo cn-office calendar (09:00-12:00,
13:30-18:00, Monday to Friday). 2026-11-23 is a Monday; times are Shanghai wall clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.features.time.facts import Link, Origin, RequestFacts, fold, status_at
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Service, SlaDef
from org.durations import parse_duration

SH = ZoneInfo("Asia/Shanghai")
BUNDLE = load_bundle(*demo_paths())
CALENDAR = BUNDLE.calendars["cn-office"]
PASSWORD = BUNDLE.catalog.get("it.password")
assert PASSWORD is not None
ORIGIN = Origin(request_id=7, service_id="it.password", requester="alice",
                service_department="IT-now", requester_department="Sales-now")
HOUR = 3600.0


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


def service(response: str | None = "4bh", resolution: str | None = "5bd") -> Service:
    assert PASSWORD is not None
    return replace(PASSWORD, sla=SlaDef(parse_duration(response) if response else None,
                                        parse_duration(resolution) if resolution else None,
                                        "cn-office"))


class Trail:
    """Links numbered as they are added."""

    def __init__(self) -> None:
        self.links: list[Link] = []

    def add(self, when: datetime, action: str, actor: str = "alice", **data: Any) -> Trail:
        self.links.append(Link(seq=len(self.links) + 1, at=when, actor=actor, action=action,
                               data=data))
        return self

    def fold(self, svc: Service | None = None) -> RequestFacts:
        facts = fold(self.links, ORIGIN, svc or service(), CALENDAR)
        assert facts is not None
        return facts


def submitted(day: int = 23, hour: int = 10) -> Trail:
    return Trail().add(at(day, hour), "request.submitted", service="it.password", version="1",
                       answers={}, service_department="IT", requester_department="Sales")


def approved_and_worked() -> Trail:
    """Approval 10-12, a task ready 12:00, claimed 14:00, a question 15-16, done 17:00."""
    return (submitted()
            .add(at(23, 10), "approval.started", round=1, steps=[{"approvers": ["bob"]}])
            .add(at(23, 10), "approval.step_started", round=1, step=1, approvers=["bob"])
            .add(at(23, 12), "approval.approved", "bob", round=1, step=1, comment="")
            .add(at(23, 12), "approval.step_approved", "bob", round=1, step=1)
            .add(at(23, 12), "approval.completed", "bob", round=1)
            .add(at(23, 12), "request.in_progress", "bob")
            .add(at(23, 12), "task.created", "bob", task="TASK-1", key="reset",
                 group="it-desk", state="ready")
            .add(at(23, 14), "task.claimed", "carol", task="TASK-1")
            .add(at(23, 15), "task.info_requested", "carol", task="TASK-1", question="?")
            .add(at(23, 16), "task.info_answered", "alice", task="TASK-1")
            .add(at(23, 17), "task.done", "carol", task="TASK-1")
            .add(at(23, 17), "request.resolved", "carol"))


def test_the_time_to_resolution_splits_into_stages_wall_and_business() -> None:
    facts = approved_and_worked().add(at(24, 10), "request.closed", "alice").fold()
    assert facts.completion_wall_s == 7 * HOUR
    assert facts.completion_business_s == 5.5 * HOUR  # 10-12 and 13:30-17
    assert facts.stage_wall == {"approval": 2 * HOUR, "claim_wait": 2 * HOUR,
                                "work": 2 * HOUR, "requester_wait": 1 * HOUR,
                                "confirmation": 17 * HOUR, "other": 0.0}
    # claim wait 12:00-14:00 is lunch until 13:30; confirmation 17-18 and 9-10 next morning
    assert facts.stage_business == {"approval": 2 * HOUR, "claim_wait": 0.5 * HOUR,
                                    "work": 2 * HOUR, "requester_wait": 1 * HOUR,
                                    "confirmation": 2 * HOUR, "other": 0.0}


def test_a_resolved_request_knows_its_outcomes_counts_and_moments() -> None:
    facts = approved_and_worked().add(at(24, 10), "request.closed", "alice").fold()
    assert (facts.status, facts.ended_at, facts.closed_at) == ("closed", at(24, 10), at(24, 10))
    assert [s for _at, s in facts.statuses] == [
        "submitted", "pending_approval", "in_progress", "resolved", "closed"]
    assert facts.first_response_at == at(23, 12)  # the approval
    assert facts.first_claim_at == at(23, 14)
    assert (facts.approval_required, facts.approval_done_at) == (True, at(23, 12))
    assert (facts.response_target, facts.response_late) == ("4bh", False)  # 2 h used
    assert (facts.resolution_target, facts.resolution_late) == ("5bd", False)
    assert (facts.need_info_rounds, facts.reopens, facts.amendments, facts.rejections) == (
        1, 0, 0, 0)
    assert facts.groups == ("it-desk",)
    assert (facts.service_department, facts.requester_department) == ("IT", "Sales")
    assert facts.trail_complete and not facts.deferred_approval and not facts.expedited
    assert facts.folded_seq == 14


def test_confirmation_is_counted_once_it_ended() -> None:
    waiting = approved_and_worked().fold()
    assert waiting.stage_wall["confirmation"] == 0.0 and waiting.status == "resolved"
    assert waiting.ended_at is None and not waiting.trail_complete  # not closed yet


def test_the_resolution_clock_excludes_the_pause_for_the_requester() -> None:
    asked = (submitted()
             .add(at(23, 11), "task.info_requested", "carol", task="TASK-1")
             .add(at(24, 11), "task.info_answered", "alice", task="TASK-1"))
    # 10-11 (1 h), then from Tuesday 11:00: 11-12 and 13:30-14:30 -> 3 h of 4
    on_time = Trail()
    on_time.links = [*asked.links, Link(4, at(24, 14, 30), "carol", "request.resolved")]
    late = Trail()
    late.links = [*asked.links, Link(4, at(24, 16), "carol", "request.resolved")]  # 4.5 h
    assert on_time.fold(service(resolution="4bh")).resolution_late is False
    assert late.fold(service(resolution="4bh")).resolution_late is True
    assert late.fold(service(resolution="4bh")).completion_wall_s == 30 * HOUR


def test_the_sla_is_judged_at_the_first_resolution_and_a_reopen_counts() -> None:
    trail = (submitted()
             .add(at(23, 11), "request.resolved", "carol")
             .add(at(23, 14), "request.reopened", "alice")
             .add(at(27, 17), "request.resolved", "carol")  # far past 4bh: after the first
             .add(at(27, 17, 30), "request.closed", "alice"))
    facts = trail.fold(service(resolution="4bh"))
    assert facts.first_resolved_at == at(23, 11) and facts.resolution_late is False
    assert facts.reopens == 1
    assert facts.stage_wall["confirmation"] == 3 * HOUR + 0.5 * HOUR  # 11-14 and 17-17:30
    assert facts.stage_wall["other"] == 1 * HOUR  # nothing to wait on before the first one


def test_an_expedite_exception_holds_at_the_first_resolution() -> None:
    trail = (submitted()
             .add(at(23, 10, 30), "exception.granted", "bob", exception="EXC-1",
                  effect="expedite", resolution="2bh"))
    trail.add(at(23, 14, 30), "request.resolved", "carol")  # 1.5 h + 1 h from the grant
    facts = trail.fold(service(resolution="5bd"))
    assert (facts.expedited, facts.resolution_target, facts.resolution_late) == (
        True, "2bh", True)


def test_a_response_is_known_once_it_happened_and_a_resolution_only_when_resolved() -> None:
    claimed = (submitted()
               .add(at(23, 10), "task.created", "esmbot", task="TASK-1", key="reset",
                    group="it-desk", state="ready")
               .add(at(23, 16), "task.claimed", "carol", task="TASK-1")).fold()
    # 10-12 and 13:30-16: 4.5 h of 4
    assert (claimed.response_late, claimed.resolution_late) == (True, None)
    assert claimed.stage_wall == {} and claimed.completion_wall_s is None
    assert claimed.resolution_target == "5bd"
    nothing = submitted().fold()
    assert (nothing.response_late, nothing.first_response_at) == (None, None)


def test_a_rejection_and_its_resubmission() -> None:
    rejected = (submitted()
                .add(at(23, 10), "approval.started", round=1, steps=[])
                .add(at(23, 11), "approval.rejected", "bob", round=1, step=1, comment="no")
                .add(at(23, 11), "request.rejected", "bob")).fold()
    assert (rejected.status, rejected.rejections, rejected.ended_at) == (
        "rejected", 1, at(23, 11))
    again = submitted(23, 12).add(at(23, 12), "request.resubmitted", **{"from": "REQ-7"})
    assert again.fold().resubmission_of == 7


def test_a_send_back_waits_for_the_requester_and_then_for_approval() -> None:
    facts = (submitted()
             .add(at(23, 10), "approval.started", round=1, steps=[])
             .add(at(23, 11), "approval.sent_back", "bob", round=1, step=1, question="?")
             .add(at(23, 15), "approval.resumed", "alice", round=1, step=1)
             .add(at(23, 16), "approval.approved", "bob", round=1, step=1)
             .add(at(23, 16), "approval.step_approved", "bob", round=1, step=1)
             .add(at(23, 16), "approval.completed", "bob", round=1)
             .add(at(23, 16), "request.resolved", "esmbot")).fold()
    assert facts.stage_wall["requester_wait"] == 4 * HOUR
    assert facts.stage_wall["approval"] == 2 * HOUR  # 10-11 and 15-16
    assert facts.need_info_rounds == 1
    assert "returned" in [s for _at, s in facts.statuses]
    assert status_at(facts.statuses, at(23, 12)) == "returned"
    assert status_at([[at(23, 10).isoformat(), "submitted"]], at(23, 9)) is None


def test_groups_follow_hand_overs_and_leave_out_an_exception_review() -> None:
    facts = (submitted()
             .add(at(23, 10), "task.created", "esmbot", task="TASK-1", key="reset",
                  group="it-desk", state="ready")
             .add(at(23, 10), "task.created", "esmbot", task="TASK-2",
                  key="exception_review", group="hr", state="ready")
             .add(at(23, 11), "task.handed_over", "carol", task="TASK-1", to="group:admin")
             .add(at(23, 12), "task.claimed", "jack", task="TASK-1")).fold()
    assert facts.groups == ("it-desk", "admin")
    assert facts.first_claim_at == at(23, 12)


def test_old_trails_take_the_departments_of_today_and_a_defer_is_seen() -> None:
    trail = Trail().add(at(23, 10), "request.submitted", service="it.password")
    trail.add(at(23, 10), "approval.started", round=1, steps=[])
    trail.add(at(23, 11), "exception.granted", "bob", exception="EXC-1",
              effect="defer_approval")
    trail.add(at(23, 11), "task.created", "esmbot", task="TASK-1", key="reset",
              group="it-desk", state="ready")
    trail.add(at(23, 12), "task.claimed", "carol", task="TASK-1")
    facts = trail.fold()
    assert (facts.service_department, facts.requester_department) == ("IT-now", "Sales-now")
    assert facts.deferred_approval and facts.approval_done_at is None


def test_folding_is_deterministic_and_needs_a_submission() -> None:
    trail = approved_and_worked()
    assert trail.fold() == trail.fold()
    assert fold([], ORIGIN, service(), CALENDAR) is None
    without_service = fold(trail.links, ORIGIN, None, CALENDAR)
    assert without_service is not None and without_service.resolution_target is None


def test_a_trail_missing_a_decision_or_a_done_task_is_incomplete() -> None:
    full = approved_and_worked().add(at(24, 10), "request.closed", "alice")
    assert full.fold().trail_complete
    no_decision = Trail()
    no_decision.links = [link for link in full.links if link.action != "approval.approved"]
    assert not no_decision.fold().trail_complete
    no_done = Trail()
    no_done.links = [link for link in full.links if link.action != "task.done"]
    assert not no_done.fold().trail_complete
