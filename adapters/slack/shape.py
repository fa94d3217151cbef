"""Is a signed Slack request shaped like one we can read? Checked before bolt sees it.

A signature proves the request is Slack's, not that its body is what the listeners expect: a
body that is not UTF-8 JSON (or a form with a JSON ``payload``), nests deeper than any Slack
payload, carries huge arrays, has an envelope ``type`` we do not know, or has the fields the
adapter reads (``adapters.slack.inbound``, ``adapters.slack.modal``) of the wrong type is
answered 400 here, so no listener fails on it with a 500 (which Slack would retry). Event
types inside a well-formed ``event_callback`` that we do not handle are not malformed: the
receiver ignores them. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from adapters.kit.shapes import field_problem, size_problem

EVENT_TYPES = frozenset({"url_verification", "event_callback", "app_rate_limited"})
INTERACTION_TYPES = frozenset({"block_actions", "view_submission", "view_closed", "shortcut",
                               "message_action", "block_suggestion"})
Problem = str | None


def problem_of(raw: bytes, content_type: str) -> Problem:
    """Why the body cannot be read as a Slack request, or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type == "application/x-www-form-urlencoded":
        return _form_problem(text)
    return _json_problem(text, EVENT_TYPES, _event_problem)


def _form_problem(text: str) -> Problem:
    try:
        fields = parse_qs(text, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError):
        return "not a form"
    if "command" in fields:
        return None  # a slash command: bolt answers it (we register none)
    payload = fields.get("payload")
    if not payload:
        return "a form without payload"
    return _json_problem(payload[0], INTERACTION_TYPES, _interaction_problem)


def _json_problem(text: str, types: frozenset[str], check: Any) -> Problem:
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return "not JSON"
    problem = size_problem(body)
    if problem:
        return problem
    if not isinstance(body, Mapping):
        return "not a JSON object"
    if body.get("type") not in types:
        return f"unknown type {str(body.get('type'))[:40]!r}"
    result: Problem = check(body)
    return result


def _event_problem(body: Mapping[str, Any]) -> Problem:
    if body.get("type") != "event_callback":
        return None
    problem = field_problem(body, strings=("team_id", "api_app_id", "event_id"),
                      lists=("authorizations",))
    event = body.get("event")
    if problem or not isinstance(event, Mapping):
        return problem or "event_callback without an event object"
    if not isinstance(event.get("type"), str):
        return "an event without a type"
    return field_problem(event, strings=("user", "text", "channel", "channel_type", "subtype",
                                   "bot_id", "ts", "thread_ts", "team"))


def _interaction_problem(body: Mapping[str, Any]) -> Problem:
    problem = field_problem(body, strings=("trigger_id", "api_app_id"),
                      objects=("user", "team", "channel", "container", "message", "view"),
                      lists=("actions",))
    if problem:
        return problem
    user = body.get("user")
    if body.get("type") in ("block_actions", "view_submission") and not (
            isinstance(user, Mapping) and isinstance(user.get("id"), str)):
        return "no user id"
    for action in body.get("actions") or ():
        if not isinstance(action, Mapping) or not isinstance(action.get("action_id"), str):
            return "an action without an action_id"
        if field_problem(action, strings=("type", "value", "action_ts")):
            return "an action with fields of the wrong type"
    return None
