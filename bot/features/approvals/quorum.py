"""When a rejection ends a step.

An any-one step (one approval is enough) and a countersign (everyone must approve) end at the
first rejection, as always. A quorum step (N of M) ends rejected only once N approvals can no
longer be reached: until then the other approvers may still approve.
"""

from __future__ import annotations

from collections.abc import Iterable

OPEN_SEAT_STATES = ("pending", "waiting")


def still_reachable(required: int, seat_states: Iterable[str]) -> bool:
    """Whether the approvals given plus the seats still open can make ``required``."""
    states = list(seat_states)
    approved = sum(1 for s in states if s == "approved")
    undecided = sum(1 for s in states if s in OPEN_SEAT_STATES)
    return approved + undecided >= required


def rejection_ends_step(mode: str, required: int, seat_states: Iterable[str]) -> bool:
    """After a rejection (already among ``seat_states``): does the step end rejected?"""
    return mode != "quorum" or not still_reachable(required, seat_states)
