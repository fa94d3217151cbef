"""What every typed command is matched on: the message normalised once, and the id patterns."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

RID = r"(?i:req)\s*[-#]?\s*(\d{1,9})"
TID = r"(?i:task)\s*[-#]?\s*(\d{1,9})"
SEP = r"\s*[,，:：]?\s*"
GREETING = re.compile(r"^(你好|您好|hi|hello|hey|在吗|哈喽|嗨|早|早上好|good morning)$")


@dataclass(frozen=True)
class Line:
    original: str  # the words as written, surrounding space dropped
    line: str  # NFKC-normalised (full-width letters in "ＲＥＱ-12"), trailing punctuation dropped
    lowered: str

    def free(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Match a command that carries free text (a reason, a comment) on the words as
        written, falling back to the normalised line."""
        return pattern.match(self.original) or pattern.match(self.line)


@lru_cache(maxsize=64)
def line_of(text: str) -> Line:
    line = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！?？ ")
    return Line(text.strip(), line, line.lower())


_ANY_RID = re.compile(rf"(?<![a-z0-9]){RID}", re.IGNORECASE)
_ANY_TID = re.compile(rf"(?<![a-z0-9]){TID}", re.IGNORECASE)


def mentioned_request(text: str) -> int | None:
    """The first REQ-n anywhere in ``text`` ("查一下 REQ-1", "REQ-1 进度如何")."""
    match = _ANY_RID.search(line_of(text).line)
    return int(match.group(1)) if match else None


def mentioned_task(text: str) -> int | None:
    """The first TASK-n anywhere in ``text``."""
    match = _ANY_TID.search(line_of(text).line)
    return int(match.group(1)) if match else None


def mentions_an_id(text: str) -> bool:
    return mentioned_request(text) is not None or mentioned_task(text) is not None


def is_greeting(text: str) -> bool:
    """"你好", "hi", "在吗": a hello, not an answer or a request."""
    return GREETING.match(line_of(text).lowered) is not None
