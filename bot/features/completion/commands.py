"""The requester's typed answers to the confirmation card: "确认 REQ-12" / "confirm REQ-12"
(solved), "未解决 REQ-12" / "not solved REQ-12"; and "是" / "否" alone, to the open one; the
survey's score, "评分 REQ-12 5"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.completion.actions import Answer
from bot.features.phrases import RID, SEP, line_of


@dataclass(frozen=True)
class Confirm:
    """``request`` 0: the confirmation that is open (the only one waiting)."""

    answer: Answer
    request: int = 0


_SOLVED = re.compile(rf"^(?:确认|确认解决|已解决|解决了|是|confirm|solved|resolved|yes){SEP}{RID}$",
                     re.IGNORECASE)
_NOT_SOLVED = re.compile(
    rf"^(?:未解决|没解决|没有解决|还没解决|否|不是|not\s+solved|unsolved|not\s+resolved|no)"
    rf"{SEP}{RID}$", re.IGNORECASE)
_YES = re.compile(r"^(是|是的|已解决|解决了|yes|solved)$")
_NO = re.compile(r"^(否|不是|没有|没解决|还没解决|未解决|no|not solved|not yet)$")


def parse_confirm(text: str) -> Confirm | None:
    line = line_of(text).line
    if match := _SOLVED.match(line):
        return Confirm("yes", int(match.group(1)))
    if match := _NOT_SOLVED.match(line):
        return Confirm("no", int(match.group(1)))
    return None


def parse_bare_confirm(text: str) -> Confirm | None:
    lowered = line_of(text).lowered
    if _YES.match(lowered):
        return Confirm("yes")
    return Confirm("no") if _NO.match(lowered) else None


@dataclass(frozen=True)
class Rate:
    """"评分 REQ-12 5" / "rate REQ-12 5": the survey's score, typed."""

    request: int
    score: int


_RATE = re.compile(rf"^(?:评分|打分|评价|rate|score){SEP}{RID}{SEP}([1-5])\s*(?:分|星|stars?)?$",
                   re.IGNORECASE)


def parse_rate(text: str) -> Rate | None:
    match = _RATE.match(line_of(text).line)
    return Rate(int(match.group(1)), int(match.group(2))) if match else None
