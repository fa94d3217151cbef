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


def is_greeting(text: str) -> bool:
    """"你好", "hi", "在吗": a hello, not an answer or a request."""
    return GREETING.match(line_of(text).lowered) is not None
