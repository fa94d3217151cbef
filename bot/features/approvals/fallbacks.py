"""A step's fallback as stored on the step (``approval_step.note``) and as read, per reader.

The note holds a reason code and its values (JSON), never a sentence: each reader sees it in
their own language. A note written before (an English sentence) is shown as it is.
"""

from __future__ import annotations

import json
from typing import Any

from bot.features.approvals.routing import Cause, Fallback, Reason
from bot.people import names
from chat.i18n import say
from dialogs.model import Service
from org.model import Directory

_VERSION = 1
_REASONS: tuple[Reason, ...] = ("up", "owner", "quorum", "admin", "stuck")
_CAUSES: tuple[Cause, ...] = ("self", "nobody", "short")

# One sentence per (reason, cause) a plan can give, so every key is written out.
FALLBACK_KEYS: dict[tuple[str, str], str] = {
    ("up", "self"): "apr.fallback_self",
    ("owner", "nobody"): "apr.fallback_nobody",
    ("owner", "self"): "apr.fallback_self_owner",
    ("quorum", "short"): "apr.fallback_quorum",
    ("admin", "nobody"): "apr.fallback_admin",
    ("admin", "self"): "apr.fallback_admin",
    ("stuck", "nobody"): "apr.fallback_stuck",
    ("stuck", "self"): "apr.fallback_stuck",
}
# An approver reference in words, by its kind.
REF_KEYS = {
    "manager": "apr.ref_manager", "manager_n": "apr.ref_manager_n",
    "dept_head": "apr.ref_dept_head", "role": "apr.ref_role", "group": "apr.ref_group",
    "user": "apr.ref_user", "field": "apr.ref_field",
}


def format_note(fallback: Fallback) -> str:
    """What goes in the step's ``note`` column."""
    return json.dumps({"v": _VERSION, "reason": fallback.reason, "cause": fallback.cause,
                       "step": fallback.step, "refs": list(fallback.refs),
                       "to": list(fallback.to), "required": fallback.required,
                       "found": fallback.found}, ensure_ascii=False, sort_keys=True)


def parse_note(note: str | None) -> Fallback | None:
    """The fallback in a note ``format_note`` wrote; None for anything else (an old sentence,
    a garbled value)."""
    try:
        data: Any = json.loads(note or "")
        reason, cause = data["reason"], data["cause"]
        if data["v"] != _VERSION or reason not in _REASONS or cause not in _CAUSES:
            return None
        return Fallback(reason, cause, int(data["step"]), tuple(str(r) for r in data["refs"]),
                        to=tuple(str(p) for p in data["to"]), required=int(data["required"]),
                        found=int(data["found"]))
    except (ValueError, TypeError, KeyError):
        return None


def note_text(note: str, service: Service | None, directory: Directory, locale: str) -> str:
    """The step's note for a reader in ``locale``."""
    fallback = parse_note(note)
    return note if fallback is None else fallback_text(fallback, service, directory, locale)


def fallback_text(
    fallback: Fallback, service: Service | None, directory: Directory, locale: str
) -> str:
    key = FALLBACK_KEYS.get((fallback.reason, fallback.cause), "apr.fallback_nobody")
    return say(key, locale, n=fallback.step, refs=refs_text(fallback.refs, service, directory,
                                                            locale),
               to=names(directory, fallback.to, locale), owner=owner_text(service, directory,
                                                                           locale),
               required=fallback.required, found=fallback.found)


def owner_text(service: Service | None, directory: Directory, locale: str) -> str:
    if service is None:
        return "-"
    kind, _, ident = service.owner.partition(":")
    group = directory.groups.get(ident) if kind == "group" else None
    return group.name.get(locale) if group else names(directory, (ident,), locale)


def refs_text(refs: tuple[str, ...], service: Service | None, directory: Directory,
              locale: str) -> str:
    return say("fmt.list_sep", locale).join(_ref_text(r, service, directory, locale)
                                            for r in refs) or "-"


def _ref_text(reference: str, service: Service | None, directory: Directory, locale: str) -> str:
    kind, _, ident = reference.partition(":")
    if kind == "manager" and ident not in ("", "1"):
        return say(REF_KEYS["manager_n"], locale, n=ident)
    if kind == "group" and (group := directory.groups.get(ident)):
        return say(REF_KEYS["group"], locale, name=group.name.get(locale))
    if kind == "user":
        return say(REF_KEYS["user"], locale, name=names(directory, (ident,), locale))
    if kind == "field":
        field = next((f for f in service.fields if f.id == ident), None) if service else None
        return say(REF_KEYS["field"], locale, name=field.label.get(locale) if field else ident)
    if kind in REF_KEYS:
        return say(REF_KEYS[kind], locale, name=ident)
    return reference
