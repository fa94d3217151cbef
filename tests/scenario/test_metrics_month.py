"""Issue 19, checked by numbers: November 2026 (tests/scenario/month_history.py) and every
figure of every layer for it, computed by hand below from METRICS.md and the metric contract.

Hours are Shanghai office hours, 09:00-17:00 Monday to Friday (8 business hours a day). The
period 2026-11 is [Nov 1 00:00, Dec 1 00:00) Shanghai; the figures are computed on Dec 1 at
10:00, so everything "at the end" is taken on Dec 1 00:00. Stats: median of an even count =
mean of the two middle values; p90 = nearest rank, the ceil(0.9 n)-th smallest.

Resolved for the first time in November (6): REQ-1, REQ-2, REQ-3, REQ-5, REQ-6, REQ-7.
    completion (submitted -> first resolved)   wall     business
    REQ-1  Mon 09:00 -> Mon 10:30               1.5      1.5
    REQ-2  Tue 14:00 -> Wed 16:00              26.0     10.0   (Tue 14-17 = 3, Wed 9-16 = 7)
    REQ-3  Thu 10:00 -> Fri 11:00              25.0      9.0   (Thu 10-17 = 7, Fri 9-11 = 2)
    REQ-5  Mon 11:00 -> Mon 15:00               4.0      4.0
    REQ-6  Tue 09:00 -> Tue 11:00               2.0      2.0   (its second resolution: not it)
    REQ-7  Wed 09:00 -> Wed 15:00               6.0      6.0
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.metrics.compute import compute
from bot.metrics.model import Cut, Figure, Report, Stats
from bot.metrics.periods import parse_period
from bot.testing import ChatDriver
from store import surveys
from tests.scenario.month_history import (
    after_the_month,
    build_month,
    local,
    month_clock,
    org_sections,
    status_of,
)

Shape = dict[str, Any]


def stats(count: int, mean: float, median: float, p90: float) -> Shape:
    return {"count": count, "mean": round(mean, 4), "median": round(median, 4),
            "p90": round(p90, 4)}


def rate(numerator: int, denominator: int) -> Shape:
    return {"numerator": numerator, "denominator": denominator,
            "value": round(numerator / denominator, 4) if denominator else None}


# ------------------------------------------------------------------------- efficiency, by hand

COMPLETION: Shape = {
    # wall sorted 1.5, 2, 4, 6, 25, 26: sum 64.5 / 6 = 10.75; median (4 + 6) / 2 = 5.0;
    # p90 = ceil(5.4) = 6th = 26.0
    "wall": stats(6, 64.5 / 6, 5.0, 26.0),
    # business sorted 1.5, 2, 4, 6, 9, 10: sum 32.5 / 6 = 5.4167; median 5.0; p90 10.0
    "business": stats(6, 32.5 / 6, 5.0, 10.0),
    "by": {
        # it.reset: REQ-1 1.5, REQ-6 2, REQ-7 6 -> mean 9.5 / 3; it.laptop: REQ-2 26, REQ-5 4
        # -> mean 15; hr.letter: REQ-3 25
        "service": {"it.reset": stats(3, 9.5 / 3, 2.0, 6.0),
                    "it.laptop": stats(2, 15.0, 15.0, 26.0),
                    "hr.letter": stats(1, 25.0, 25.0, 25.0)},
        # it: REQ-1, 2, 5, 6, 7 = 1.5, 2, 4, 6, 26 -> 39.5 / 5 = 7.9, median 4, p90 5th = 26
        "group": {"it": stats(5, 7.9, 4.0, 26.0), "hr": stats(1, 25.0, 25.0, 25.0)},
    },
}

SLA_RESOLUTION: Shape = {
    # resolution clocks at the first resolution (targets: it.reset 8bh, it.laptop 16bh,
    # hr.letter 8bh): REQ-1 1.5 <= 8; REQ-2 10 <= 16; REQ-3 paused Thu 12:00 -> Fri 10:00 for
    # the question, so 10-12 Thu + 10-11 Fri = 3 <= 8 (9 without the pause: it would be late);
    # REQ-5 4 <= 16; REQ-6 2 <= 8; REQ-7 expedited: 2bh from the grant Wed 10:00, due 12:00,
    # resolved 15:00 = 5 bh -> late (6 <= 8 under the service's own target)
    # -> 5 on time / 6
    **rate(5, 6),
    "by": {"service": {"it.reset": rate(2, 3), "it.laptop": rate(2, 2),
                       "hr.letter": rate(1, 1)}},
    "items": None,
}

SLA_RESPONSE: Shape = {
    # first approval decision or task claim: REQ-1 claim 09:30 = 0.5 <= 2; REQ-2 approval Wed
    # 11:00 = 5 bh > 4 -> late; REQ-3 claim 11:00 = 1 <= 2; REQ-5 approval 12:00 = 1 <= 4;
    # REQ-6 claim 10:00 = 1 <= 2; REQ-7 claim 10:30 = 1.5 <= 2 -> 5 / 6
    **rate(5, 6),
    "by": {"service": {"it.reset": rate(3, 3), "it.laptop": rate(1, 2),
                       "hr.letter": rate(1, 1)}},
}

BREACHED_OPEN: Shape = {
    # open at Dec 1 00:00: REQ-8 (16bh from Mon 11-16 09:00: due Tue 11-17 17:00, passed),
    # REQ-10 (16bh from Wed 11-25 09:00: due Thu 11-26 17:00, passed), REQ-11 (8bh from Mon
    # 11-30 13:30: 3.5 used, not due)
    "value": 2, "items": ["REQ-10", "REQ-8"],
}

BACKLOG: Shape = {
    # open at the end: REQ-8 pending_approval (age Nov 16 09:00 -> Dec 1 00:00 = 14 d 15 h:
    # >7d; no task, so no group), REQ-10 in_progress (5 d 15 h: 3-7d; group it), REQ-11
    # in_progress (10.5 h: 0-1d; group hr)
    "value": 3,
    "parts": {"pending_approval": 1, "in_progress": 2, "submitted": 0, "returned": 0},
    "by": {"group": {"it": 1, "hr": 1},
           "age": {"0-1d": 1, "1-3d": 0, "3-7d": 1, ">7d": 1}},
}

TASKS_AT_RISK: Shape = {
    # open tasks at the end: TASK-8 (REQ-10 deliver, 8bh, ready Wed 11-25 10:00: 7 + 8 + 8 +
    # 8 = 31 bh used, far over 75 %); TASK-9 (REQ-11 issue, 4bh, ready Mon 11-30 13:30:
    # 3.5 bh used = 87.5 % > 75 %)
    "value": 2, "items": ["TASK-8", "TASK-9"],
}

APPROVAL_TIME: Shape = {
    # steps decided in November: REQ-2 Tue 14:00 -> Wed 11:00 (wall 21, business 3 + 2 = 5:
    # the approval of 5 business hours), REQ-4 09:00 -> 10:00 rejected (1, 1), REQ-5
    # 11:00 -> 12:00 (1, 1), REQ-10 09:00 -> 10:00 (1, 1); REQ-8 still pending, REQ-9's step
    # cancelled by the withdrawal
    # wall 1, 1, 1, 21: mean 24 / 4 = 6.0, median 1.0, p90 4th = 21.0
    "wall": stats(4, 6.0, 1.0, 21.0),
    # business 1, 1, 1, 5: mean 8 / 4 = 2.0, median 1.0, p90 5.0
    "business": stats(4, 2.0, 1.0, 5.0),
    "by": {"service": {"it.laptop": stats(4, 6.0, 1.0, 21.0)},
           "approver": {"mgr": stats(4, 6.0, 1.0, 21.0)}},  # mgr decided every seat
}

STAGE_TIME: Shape = {
    # [submitted, first resolved) split by priority requester_wait > approval > work >
    # claim_wait > other, wall (business):
    #   REQ-1  claim_wait 0.5 (0.5), work 1 (1)                    confirmation 0.5 (0.5)
    #   REQ-2  approval 21 (5), claim_wait 11-13 2 (2), work 3 (3)  confirmation 0.5 (0.5)
    #   REQ-3  claim_wait 1 (1), work 11-12 + Fri 10-11 2 (2),
    #          requester_wait Thu 12:00 -> Fri 10:00 22 (5 + 1 = 6)  confirmation 1 (1)
    #   REQ-5  approval 1 (1), claim_wait 1 (1), work 2 (2)         confirmation none yet
    #          (resolved Mon 15:00, never confirmed: its wait has not ended)
    #   REQ-6  claim_wait 1 (1), work 1 (1)                         confirmation 11-12 1 (1)
    #          (ended by the reopen; the second resolution never ended)
    #   REQ-7  claim_wait 1.5 (1.5), work 4.5 (4.5)                 confirmation 1 (1)
    # means over the 6: approval 22 / 6 = 3.6667 (6 / 6 = 1.0); claim_wait 7 / 6 = 1.1667
    # (7 / 6); work 13.5 / 6 = 2.25 (2.25); requester_wait 22 / 6 = 3.6667 (6 / 6 = 1.0);
    # confirmation 0.5 + 0.5 + 1 + 1 + 1 = 4 / 6 = 0.6667 (0.6667); other 0
    # value: the mean total per request = (64.5 + 4) / 6 = 11.4167 (the stages before the
    # resolution add up to the completion time: 22 + 7 + 13.5 + 22 = 64.5)
    "value": round(68.5 / 6, 4),
    "parts": {"approval": round(22 / 6, 4), "claim_wait": round(7 / 6, 4), "work": 2.25,
              "requester_wait": round(22 / 6, 4), "confirmation": round(4 / 6, 4),
              "other": 0,
              "approval_bh": 1.0, "claim_wait_bh": round(7 / 6, 4), "work_bh": 2.25,
              "requester_wait_bh": 1.0, "confirmation_bh": round(4 / 6, 4), "other_bh": 0},
}

REWORK: Shape = {
    # with a reopen, amendment or need-info round: REQ-3 (the question), REQ-6 (reopened);
    # REQ-5's rejection and resubmission is not rework -> 2 / 6
    **rate(2, 6),
}

# ---------------------------------------------------------------------------- quality, by hand

DUPLICATES: Shape = {
    # submitted in November: REQ-1 .. REQ-11 = 11; REQ-9 came while ben's REQ-8 (same service)
    # was open; REQ-5 came after REQ-4 was rejected (not open), REQ-8 after REQ-5 resolved
    **rate(1, 11),
}

MISSING_INFORMATION: Shape = {**rate(1, 6)}  # REQ-3's question / the 6 resolved

FIRST_PASS: Shape = {
    # no rejection, amendment, need-info round or reopen: REQ-1, REQ-2, REQ-7; not REQ-3
    # (question), REQ-5 (resubmission of the rejected REQ-4), REQ-6 (reopen) -> 3 / 6
    **rate(3, 6),
}

CSAT: Shape = {
    # answered in November: REQ-1 5, REQ-2 4, REQ-3 2 -> mean 11 / 3 = 3.6667;
    # sent in November: REQ-1, 2, 3, 7 (at their closing) -> answered 3 / sent 4
    "value": round(11 / 3, 4), "numerator": 3, "denominator": 4,
    "parts": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
}

COMPLAINTS: Shape = {
    # REQ-6 (cat said No at confirmation), REQ-3 (ann scored 2) -> 2 / 6
    **rate(2, 6),
}

# ------------------------------------------------------------------------- compliance, by hand

EXCEPTIONS: Shape = {
    # EXC-1 on REQ-7: granted Wed 11-11 10:00, ended at the request's closing (neither expired
    # nor revoked); 1 grant in the 30 days before the end, it.reset's threshold is 3
    "value": 1,
    "parts": {"granted": 1, "denied": 0, "active_at_end": 0, "expired": 0, "revoked": 0},
    "by": {"service": {"it.reset": 1}, "kind": {"expedite": 1},
           "reason": {"customer-site": 1}, "impact": {"low": 1}},
    "items": [],
}

APPROVALS_MISSING: Shape = {
    # first task claim in November: REQ-1, 2, 3, 5, 6, 7, 11 (REQ-10's task is unclaimed);
    # REQ-2 and REQ-5 were approved before their claims; no defer_approval -> 0 / 7
    **rate(0, 7),
    "parts": {"deferred_approved_afterwards": 0, "deferred_pending": 0},
    "items": [],
}

RECOVERY_ON_TIME: Shape = {
    # TASK-7 (REQ-7's recovery): ready Wed 11-11 16:00, 2bh -> due Thu 11-12 10:00 (16-17 +
    # 09-10); done Thu 11:30 -> late: 0 / 1
    **rate(0, 1),
}

AUDIT_CHAIN: Shape = {
    # verified once, on Nov 30 at 18:00, when the chain was intact; checked: every event of
    # the trail then (counted by the test: the month's events are too many to list here)
    "value": 1, "parts": {"first_bad_seq": None, "checked": None},
}

AUDIT_COMPLETE: Shape = {
    # closed in November: REQ-1, 2, 3, 7; each trail has submitted, its approval decisions
    # (REQ-2), each task's created and done (by its actor; REQ-7's recovery task too),
    # resolved and closed -> 4 / 4
    **rate(4, 4), "items": [],
}

EXPECTED: dict[str, Shape] = {
    "completion_time": COMPLETION, "sla_resolution": SLA_RESOLUTION,
    "sla_response": SLA_RESPONSE, "breached_open": BREACHED_OPEN, "backlog": BACKLOG,
    "tasks_at_risk": TASKS_AT_RISK, "approval_time": APPROVAL_TIME, "stage_time": STAGE_TIME,
    "rework": REWORK,
    "duplicates": DUPLICATES, "missing_information": MISSING_INFORMATION,
    "first_pass": FIRST_PASS, "csat": CSAT, "complaints": COMPLAINTS,
    "exceptions": EXCEPTIONS, "approvals_missing": APPROVALS_MISSING,
    "recovery_on_time": RECOVERY_ON_TIME, "audit_chain": AUDIT_CHAIN,
    "audit_complete": AUDIT_COMPLETE,
}


# -------------------------------------------------------------------- comparing figure shapes

@dataclass(frozen=True)
class Mismatch:
    key: str
    field: str
    expected: Any
    got: Any


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def _nonzero(parts: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parts with the zero counts left out: absent and 0 say the same."""
    return {k: _rounded(v) for k, v in (parts or {}).items() if v not in (0, 0.0)}


def _stats(found: Stats | Mapping[str, Any] | None) -> Shape | None:
    if found is None:
        return None
    if isinstance(found, Mapping):
        return {k: _rounded(found.get(k)) for k in ("count", "mean", "median", "p90")}
    return {"count": found.count, "mean": _rounded(found.mean),
            "median": _rounded(found.median), "p90": _rounded(found.p90)}


def shape_of(figure: Figure) -> Shape:
    """A figure as the plain values the expectations above are written in."""
    return {"value": _rounded(figure.value), "numerator": figure.numerator,
            "denominator": figure.denominator, "wall": _stats(figure.wall),
            "business": _stats(figure.business), "parts": dict(figure.parts),
            "items": sorted(figure.items),
            "by": {dim: {k: shape_of(f) for k, f in keyed.items()}
                   for dim, keyed in figure.by.items()}}


def shape_of_json(figure: Mapping[str, Any]) -> Shape:
    """The same, from ``esmbot metrics --json``."""
    by: Mapping[str, Any] = figure.get("by") or {}
    parts: Mapping[str, Any] = figure.get("parts") or {}
    return {"value": _rounded(figure.get("value")), "numerator": figure.get("numerator"),
            "denominator": figure.get("denominator"), "wall": _stats(figure.get("wall")),
            "business": _stats(figure.get("business")), "parts": dict(parts),
            "items": sorted(figure.get("items") or []),
            "by": {dim: {k: shape_of_json(f) for k, f in keyed.items()}
                   for dim, keyed in by.items()}}


def _brief(shape: Shape) -> Any:
    """What a breakdown entry is compared by: its wall stats (hours), its numerator and
    denominator (rates), else its value."""
    if shape.get("wall") is not None:
        return shape["wall"]
    if shape.get("denominator") is not None:
        return {"numerator": shape["numerator"], "denominator": shape["denominator"],
                "value": shape["value"]}
    return shape["value"]


def _expected_brief(entry: Any) -> Any:
    return entry


def mismatches(key: str, expected: Shape, got: Shape) -> list[Mismatch]:
    found = []
    for field_name, want in expected.items():
        have = got.get(field_name)
        if field_name == "parts":
            want, have = _nonzero(want), _nonzero(have)
        elif field_name == "items":
            if want is None:
                continue
            want = sorted(want)
        elif field_name == "by":
            have = {dim: {k: _brief(s) for k, s in (have or {}).get(dim, {}).items()
                          if _brief(s) not in (0, None)} for dim in want}
            want = {dim: {k: v for k, v in keyed.items() if v not in (0, None)}
                    for dim, keyed in want.items()}
        else:
            want = _rounded(want)
        if want != have:
            found.append(Mismatch(key, field_name, want, have))
    return found


def check(shapes: Mapping[str, Shape]) -> list[Mismatch]:
    problems = []
    for key, expected in EXPECTED.items():
        if key not in shapes:
            problems.append(Mismatch(key, "figure", "present", "missing"))
            continue
        problems += mismatches(key, expected, shapes[key])
    return problems


# ----------------------------------------------------------------------------------- journeys

async def record_chain_check(chat: ChatDriver) -> None:
    from bot.features.audit.anchor import record_chain_check as record

    async with chat.app.db.unit_of_work() as uow:
        assert await record(uow.session, secret="", now=local(30, 18))


async def events_count(chat: ChatDriver) -> int:
    from sqlalchemy import func, select

    from store.models import AuditEventRow

    async with chat.app.db.unit_of_work() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(AuditEventRow)))
                   .scalar_one())


async def month_report(chat: ChatDriver, cut: Cut | None = None) -> Report:
    period = parse_period("2026-11", "Asia/Shanghai")
    async with chat.app.db.unit_of_work() as uow:
        return await compute(uow.session, chat.app.services, period, cut or Cut(),
                             now=after_the_month())


async def test_the_month_adds_up_to_the_figures_computed_by_hand(
    db_url: str, tmp_path: Path,
) -> None:
    chat = await ChatDriver.open(db_url, clock=month_clock(), **org_sections())  # type: ignore[arg-type]
    try:
        await build_month(chat)
        async with chat.app.db.unit_of_work() as uow:
            sent = [await surveys.get_survey(uow.session, request_id=n) for n in (1, 2, 3, 7)]
        assert [s.score if s else "none" for s in sent] == [5, 4, 2, None]
        await record_chain_check(chat)
        EXPECTED["audit_chain"]["parts"]["checked"] = await events_count(chat)
        report = await month_report(chat)
        computed = check({f.key: shape_of(f) for f in report.figures})
        assert computed == [], "\n".join(map(str, computed))

        printed = await metrics_json(chat, db_url, tmp_path)
        assert check({f["key"]: shape_of_json(f) for f in printed}) == []
    finally:
        await chat.close()


async def metrics_json(chat: ChatDriver, db_url: str, tmp_path: Path) -> list[dict[str, Any]]:
    """``esmbot metrics --period 2026-11 --json`` with the month's configuration."""
    import contextlib
    import io

    from bot.cli import main

    config = tmp_path / "config.toml"
    sections = org_sections()
    lines = [f'[store]\nurl = "{db_url}"']
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await _run_cli(main, ["--config", str(config), "metrics", "--period", "2026-11",
                                     "--json"])
    assert code in (0, None), out.getvalue()
    data = json.loads(out.getvalue())
    figures = data["figures"] if isinstance(data, dict) else data
    assert isinstance(figures, list)
    return figures


async def _run_cli(main: Any, argv: list[str]) -> int | None:
    import asyncio

    return await asyncio.to_thread(main, argv)


# A cut counts only its requests (and its surveys and grants): by hand, from the same month.
CUTS: dict[Cut, dict[str, Shape]] = {
    # it.laptop: submitted REQ-2, 4, 5, 8, 9, 10 (REQ-9 the duplicate); resolved REQ-2, REQ-5
    # (REQ-5 the resubmission: not a first pass); REQ-2's survey 4, the only one of laptops
    Cut(service="it.laptop"): {
        "duplicates": rate(1, 6), "first_pass": rate(1, 2), "complaints": rate(0, 2),
        "csat": {"value": 4.0, "numerator": 1, "denominator": 1,
                 "parts": {"4": 1}},
        "exceptions": {"value": 0, "parts": {}},
        "audit_complete": rate(1, 1),  # closed: REQ-2
    },
    # HR's service hr.letter: REQ-3 (resolved, the question, scored 2), REQ-11 (open)
    Cut(service_department="HR"): {
        "duplicates": rate(0, 2), "missing_information": rate(1, 1), "first_pass": rate(0, 1),
        "csat": {"value": 2.0, "numerator": 1, "denominator": 1, "parts": {"2": 1}},
        "complaints": rate(1, 1), "approvals_missing": rate(0, 2),
    },
    # cat (Ops): REQ-6 (reopened: a complaint, not a first pass) and REQ-11 (open)
    Cut(requester_department="Ops"): {
        "duplicates": rate(0, 2), "first_pass": rate(0, 1), "complaints": rate(1, 1),
        "csat": {"value": None, "numerator": 0, "denominator": 0},
    },
    # group it: REQ-1, 2, 5, 6, 7, 10 have it tasks; REQ-7's recovery task is it's too
    Cut(group="it"): {
        "first_pass": rate(3, 5), "missing_information": rate(0, 5),
        "recovery_on_time": rate(0, 1),
        "csat": {"value": 4.5, "numerator": 2, "denominator": 3, "parts": {"4": 1, "5": 1}},
    },
}


async def test_a_cut_counts_only_its_own_requests(sqlite_url: str) -> None:
    chat = await ChatDriver.open(sqlite_url, clock=month_clock(), **org_sections())  # type: ignore[arg-type]
    try:
        await build_month(chat)
        problems = []
        for cut, expected in CUTS.items():
            shapes = {f.key: shape_of(f) for f in (await month_report(chat, cut)).figures}
            for key, want in expected.items():
                problems += [(cut, m) for m in mismatches(key, want, shapes[key])]
        assert problems == [], "\n".join(map(str, problems))
    finally:
        await chat.close()


async def test_what_december_does_leaves_the_state_at_the_end_of_november(
    sqlite_url: str,
) -> None:
    """Regression: mgr approving REQ-8 in December dropped it from November's breached_open
    (2 -> 1), because the clock at the period end was read from the trail as it is now. The
    state at a moment depends only on what happened before it."""
    chat = await ChatDriver.open(sqlite_url, clock=month_clock(), **org_sections())  # type: ignore[arg-type]
    try:
        await build_month(chat)
        at_the_end = ("breached_open", "backlog", "tasks_at_risk")
        before = {f.key: shape_of(f) for f in (await month_report(chat)).figures
                  if f.key in at_the_end}
        chat.clock.advance(hours=24 * 2)  # Wednesday December 2, 08:00
        await chat.say("mgr", "同意 REQ-8")
        assert await status_of(chat, 8) != "pending_approval"
        after = {f.key: shape_of(f) for f in (await month_report(chat)).figures
                 if f.key in at_the_end}
        assert after == before
        assert before["breached_open"]["value"] == BREACHED_OPEN["value"]
    finally:
        await chat.close()
