"""Global dialog commands in both languages: cancel, back, skip, help, submit, edit."""

from __future__ import annotations

import unicodedata
from typing import Literal

GlobalCommand = Literal["cancel", "back", "skip", "help", "submit", "edit"]

_WORDS: dict[GlobalCommand, frozenset[str]] = {
    "cancel": frozenset({"取消", "算了", "不办了", "退出", "cancel", "quit", "stop", "abort"}),
    "back": frozenset({"上一步", "返回", "后退", "回退", "back", "go back", "previous", "prev"}),
    "skip": frozenset({"跳过", "略过", "skip", "pass"}),
    "help": frozenset({"帮助", "help", "?", "？", "怎么用"}),
    "submit": frozenset({"提交", "确认", "确认提交", "submit", "confirm", "send"}),
    "edit": frozenset({"修改", "编辑", "改一下", "edit", "change", "modify"}),
}
_TRAILING = " \t.。!！~～"


def normalize(text: str) -> str:
    """NFKC, lower case, no surrounding spaces or trailing punctuation."""
    return unicodedata.normalize("NFKC", text).strip().lower().strip(_TRAILING)


def command_of(text: str) -> GlobalCommand | None:
    """The global command a whole message is, if it is one."""
    word = normalize(text)
    for command, words in _WORDS.items():
        if word in words:
            return command
    return None


# Answers to "did you mean A or B?" that pick neither (the catalog is shown instead).
_NONE_OF_THESE = frozenset({
    "都不是", "都不对", "都不要", "不是", "都没有", "以上都不是", "都不", "none", "neither",
    "none of these", "none of them", "neither of them", "no", "nope", "not these",
})


def is_none_of_these(text: str) -> bool:
    """A whole message that answers a "did you mean" card with "none of these"."""
    return normalize(text) in _NONE_OF_THESE
