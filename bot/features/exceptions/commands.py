"""Typed commands about exceptions (例外): "加急 REQ-12", "申请例外 REQ-12", "expedite REQ-12",
"exception REQ-12", "撤销例外 REQ-12 原因", "我的例外", "待我批准的例外", "例外 it.laptop"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import RID, SEP, line_of

EXPEDITE = "expedite"


@dataclass(frozen=True)
class AskException:
    request_id: int
    kind: str = ""  # "expedite" when the words said so; empty: any of the service's kinds


@dataclass(frozen=True)
class RevokeException:
    request_id: int
    reason: str


@dataclass(frozen=True)
class DecideException:
    """The typed form of the exception card's Grant / Deny: "批准例外 EXC-3", "grant EXC-3",
    "拒绝例外 EXC-3 理由", "deny EXC-3 reason"."""

    exception_id: int
    verdict: str  # grant | deny
    comment: str = ""


@dataclass(frozen=True)
class MyExceptions:
    pass


@dataclass(frozen=True)
class ExceptionsToGrant:
    pass


@dataclass(frozen=True)
class ServiceExceptions:
    service_id: str


ExceptionCommand = (AskException | RevokeException | DecideException | MyExceptions
                    | ExceptionsToGrant | ServiceExceptions)

_EXPEDITE = re.compile(rf"^(?:加急|申请加急|expedite){SEP}{RID}$", re.IGNORECASE)
_ASK = re.compile(rf"^(?:申请例外|例外申请|exception|request\s+(?:an\s+)?exception){SEP}{RID}$",
                  re.IGNORECASE)
_REVOKE = re.compile(rf"^(?:撤销例外|取消例外|revoke\s+(?:the\s+)?exception|revoke){SEP}{RID}"
                     rf"{SEP}(.*)$", re.IGNORECASE | re.DOTALL)
_EID = r"EXC-?(\d{1,9})"
_GRANT = re.compile(rf"^(?:批准例外|同意例外|批准|grant(?:\s+exception)?){SEP}{_EID}$",
                    re.IGNORECASE)
_DENY = re.compile(rf"^(?:拒绝例外|驳回例外|拒绝|deny(?:\s+exception)?){SEP}{_EID}(?:{SEP}(.*))?$",
                   re.IGNORECASE | re.DOTALL)
_MINE = re.compile(r"^(我的例外|我申请的例外|my\s+exceptions)$", re.IGNORECASE)
_TO_GRANT = re.compile(r"^(待我批准的例外|待我审批的例外|exceptions\s+(?:to\s+grant|for\s+me|"
                       r"to\s+approve))$", re.IGNORECASE)
_OF_SERVICE = re.compile(r"^(?:例外|exceptions)\s+([a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+)$",
                         re.IGNORECASE)


def parse_exception(text: str) -> ExceptionCommand | None:
    words = line_of(text)
    if match := _EXPEDITE.match(words.line):
        return AskException(int(match.group(1)), EXPEDITE)
    if match := _ASK.match(words.line):
        return AskException(int(match.group(1)))
    if match := words.free(_REVOKE):
        return RevokeException(int(match.group(1)), match.group(2).strip())
    if match := _GRANT.match(words.line):
        return DecideException(int(match.group(1)), "grant")
    if match := words.free(_DENY):
        return DecideException(int(match.group(1)), "deny", (match.group(2) or "").strip())
    if _MINE.match(words.line):
        return MyExceptions()
    if _TO_GRANT.match(words.line):
        return ExceptionsToGrant()
    if match := _OF_SERVICE.match(words.line):
        return ServiceExceptions(match.group(1).lower())
    return None


_DEFAULT_WORDS = ("默认", "最长", "default", "max", "maximum", "longest")
_VALIDITY = re.compile(r"^(\d{1,4})\s*(个工作日|工作日|个工作小时|工作小时|小时|天|分钟|"
                       r"business\s+days?|business\s+hours?|days?|hours?|minutes?)$",
                       re.IGNORECASE)
_UNITS = {"个工作日": "bd", "工作日": "bd", "个工作小时": "bh", "工作小时": "bh", "小时": "h",
          "天": "d", "分钟": "m", "business day": "bd", "business days": "bd",
          "business hour": "bh", "business hours": "bh", "day": "d", "days": "d",
          "hour": "h", "hours": "h", "minute": "m", "minutes": "m"}


def validity_words(text: str) -> str | None:
    """"默认" / "default" -> "" (the maximum); "2天" / "3 business days" -> "2d" / "3bd";
    anything else as written (``2bd``), for the duration parser to judge."""
    words = line_of(text).lowered
    if words in _DEFAULT_WORDS:
        return ""
    if match := _VALIDITY.match(words):
        unit = _UNITS.get(re.sub(r"\s+", " ", match.group(2)))
        return f"{int(match.group(1))}{unit}" if unit else None
    return words.replace(" ", "")
