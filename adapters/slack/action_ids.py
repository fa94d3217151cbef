"""A Slack button's ``action_id``: the core's action id, marked when the click needs a reason.

Slack returns a button's ``action_id`` and ``value`` with a click and nothing else of it, so a
button with ``needs_reason`` is rendered with ``REASON_MARK`` in front of its action id; the
click comes back with the mark, which ``unwrap`` removes. The core's own grammar of action ids
is never read here.
"""

from __future__ import annotations

from chat.replies import Button

REASON_MARK = "reason|"  # never the start of a core action id


def wrap(button: Button) -> str:
    return REASON_MARK + button.action_id if button.needs_reason else button.action_id


def unwrap(action_id: str) -> tuple[str, bool]:
    """``(the core's action id, whether the click needs a reason)``."""
    if action_id.startswith(REASON_MARK):
        return action_id.removeprefix(REASON_MARK), True
    return action_id, False
