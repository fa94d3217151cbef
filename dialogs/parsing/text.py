"""Cleaning chat text, and answers to free-text fields."""

from __future__ import annotations

import functools
import re
import unicodedata

from dialogs.model import FieldDef
from dialogs.parsing.result import Invalid, Parsed, invalid

DEFAULT_TEXT_MAX = 2000  # characters, when the field sets no max_length
SHORT_ANSWER_MAX = 200  # longer answers to non-text fields are not worth reading
_SPACES = re.compile(r"[ \t\u3000]+")
_EDGE_PUNCT = " \t\n.,;:!?~。，、；：！？～…\"'“”‘’()[]{}《》「」【】"


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\n"


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """NFKC, control characters dropped, runs of spaces collapsed, surrounding space stripped."""
    return _clean(text, keep_newlines) if isinstance(text, str) else ""


@functools.lru_cache(maxsize=4096)  # pure, and called for the same labels on every turn
def _clean(text: str, keep_newlines: bool) -> str:
    normal = unicodedata.normalize("NFKC", text)
    kept = "".join(" " if _is_control(ch) else ch for ch in normal)
    if not keep_newlines:
        kept = kept.replace("\n", " ")
    lines = (_SPACES.sub(" ", line).strip() for line in kept.split("\n"))
    return "\n".join(lines).strip()


def tidy(text: str, *, keep_newlines: bool = False) -> str:
    """What a person typed, as they typed it: control characters dropped, runs of spaces
    collapsed, surrounding space stripped; no NFKC, so "，" and "（" stay full-width.
    Stored answers use this; ``clean`` and ``simplify`` are for reading and matching only."""
    return _tidy(text, keep_newlines) if isinstance(text, str) else ""


@functools.lru_cache(maxsize=4096)
def _tidy(text: str, keep_newlines: bool) -> str:
    kept = "".join(" " if _is_control(ch) else ch for ch in text)
    if not keep_newlines:
        kept = kept.replace("\n", " ")
    lines = (_SPACES.sub(" ", line).strip() for line in kept.split("\n"))
    return "\n".join(lines).strip()


def simplify(text: str) -> str:
    """``clean`` plus lower case and no punctuation at either end: for reading short answers."""
    return clean(text).lower().strip(_EDGE_PUNCT)


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def only_punctuation(text: str) -> bool:
    """True when nothing but spaces and punctuation is left."""
    return all(unicodedata.category(ch)[0] in "PZS" or ch.isspace() for ch in text)


def remove_words(text: str, words: tuple[str, ...]) -> str:
    """Drop filler words: CJK ones anywhere, Latin ones as whole words (longest first)."""
    for word in sorted(words, key=len, reverse=True):
        if has_cjk(word) or not word.isascii() or not word[:1].isalnum():
            text = text.replace(word, " ")
        else:
            text = re.sub(rf"(?<![a-z]){re.escape(word)}(?![a-z])", " ", text)
    return text


def parse_text(field: FieldDef, text: str) -> Parsed | Invalid:
    value = tidy(text, keep_newlines=True)
    if not value:
        return invalid("parse.text.empty")
    low = field.min_length or 0
    high = field.max_length or DEFAULT_TEXT_MAX
    if len(value) < low:
        return invalid("parse.text.too_short", min=low)
    if len(value) > high:
        return invalid("parse.text.too_long", max=high, length=len(value))
    return Parsed(value)
