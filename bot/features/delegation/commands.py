"""Delegating approvals: "委托 carol 代批到12月10日", "取消委托", "我的委托"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import line_of


@dataclass(frozen=True)
class Delegate:
    to: str
    until: str  # the date as written; empty when missing


@dataclass(frozen=True)
class CancelDelegation:
    pass


@dataclass(frozen=True)
class ShowDelegation:
    pass


_DELEGATE = re.compile(
    r"^(?:委托|delegate)\s*(?:给|to\s)?\s*(?P<who>\S+?)\s*(?:代批|代为审批|代审批|审批|approvals?)?\s*"
    r"(?:(?:到|至|直到|截至|until|till|through|to)\s*(?P<until>.+?))?\s*(?:为止|结束)?$",
    re.IGNORECASE)
_CANCEL_DELEGATION = re.compile(
    r"^(取消委托|撤销委托|结束委托|收回委托|cancel (my )?delegation|stop delegating"
    r"|end (my )?delegation)$")
_SHOW_DELEGATION = re.compile(r"^(我的委托|委托情况|查看委托|my delegation|show delegation)$")


def parse_delegation(text: str) -> Delegate | CancelDelegation | ShowDelegation | None:
    words = line_of(text)
    if _CANCEL_DELEGATION.match(words.lowered):
        return CancelDelegation()
    if _SHOW_DELEGATION.match(words.lowered):
        return ShowDelegation()
    if match := _DELEGATE.match(words.line):
        return Delegate(match["who"].strip(), (match["until"] or "").strip())
    return None
