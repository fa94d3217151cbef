"""Yes and no in Chinese and English."""

from __future__ import annotations

from dialogs.parsing.result import Invalid, Parsed, invalid
from dialogs.parsing.text import simplify

YES_WORDS = frozenset({
    "是", "是的", "对", "对的", "没错", "需要", "要", "有", "好", "好的", "可以", "行", "嗯",
    "确定", "当然", "当然要", "要的", "需要的", "有的", "√", "✓", "✔",
    "yes", "y", "yeah", "yep", "yup", "true", "ok", "okay", "sure", "of course", "yes please",
    "correct", "right", "please do", "i do", "affirmative",
})
NO_WORDS = frozenset({
    "否", "不", "不是", "不对", "不用", "不要", "不需要", "没有", "没", "无", "不行", "不可以",
    "不用了", "不要了", "不需要了", "算了吧", "×", "✗",
    "no", "n", "nope", "nah", "false", "no thanks", "no thank you", "not needed",
    "don't need", "dont need", "i don't", "none", "negative",
})
# An answer that starts with one of these and says more ("不需要独显", "yes, with a GPU").
NO_PREFIXES = ("不需要", "不用", "不要", "没有", "不是", "no,", "no ", "nope", "not ", "don't")
YES_PREFIXES = ("需要", "是的", "要的", "yes,", "yes ", "yeah", "sure")
_PARTICLES = "吧啊呀哦了呢嘛哈"


def bool_reason() -> Invalid:
    return invalid("parse.bool.yes_or_no")


def read_bool(text: str) -> bool | None:
    """True, False, or None when the answer is neither clearly yes nor clearly no."""
    s = simplify(text).rstrip(_PARTICLES).strip()
    if s in YES_WORDS:
        return True
    if s in NO_WORDS:
        return False
    if s.startswith(NO_PREFIXES):
        return False
    if s.startswith(YES_PREFIXES):
        return True
    return None


def parse_bool(text: str) -> Parsed | Invalid:
    value = read_bool(text)
    return bool_reason() if value is None else Parsed(value)
