"""The features, each one folder that registers itself, and the one list of them.

The order is the order typed commands are tried in: the first feature whose parser finds a
command wins (their patterns do not overlap, except where a feature orders its own).
Adding a feature is adding its folder and one line here.
"""

from __future__ import annotations

from bot.features import (
    amendment,
    approvals,
    audit,
    completion,
    delegation,
    exceptions,
    forms,
    help,
    intake,
    status,
    tasks,
    time,
    weblink,
)
from bot.features.registry import Feature, Registry

FEATURES: tuple[Feature, ...] = (
    status.FEATURE,
    weblink.FEATURE,
    exceptions.FEATURE,
    help.FEATURE,
    intake.FEATURE,
    approvals.FEATURE,
    delegation.FEATURE,
    tasks.FEATURE,
    amendment.FEATURE,
    forms.FEATURE,
    completion.FEATURE,
    time.FEATURE,
    audit.FEATURE,
)

REGISTRY = Registry.of(FEATURES)


def parse_command(text: str) -> object | None:
    """The command a whole message is, or None when it is free text for intent matching."""
    return REGISTRY.parse_command(text)
