"""No user-facing Chinese in Python: sentences live in chat/locales/*.toml.

Only the vocabulary the parsers must recognise may stay in code: the words and patterns of the
answer parsers and of the command grammar (modules listed in VOCABULARY_MODULES, where no
literal may read like a sentence), and a few words used elsewhere (VOCABULARY). Comments and
docstrings are not user-facing and are not looked at.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch

from tests.i18n.source import ADAPTER_PACKAGES, CORE_PACKAGES, Literal, literals

# CJK ideographs, CJK punctuation and full-width forms: what a Chinese sentence is made of.
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# An ideograph followed by sentence punctuation (optionally after a closing quote).
SENTENCE = re.compile(r"[\u3400-\u9fff][”’」）)]?[，。！？；]")

# Modules whose literals are the words and patterns people type (numerals 千 万 亿, units
# 元 块, dates 明天 下周一, yes/no 是 否, commands 取消 上一步 我的申请 ...), not sentences.
# (Shell-style patterns: a feature folder's commands.py holds its part of the command grammar.)
VOCABULARY_MODULES = (
    "bot/commands.py",  # the command grammar: 我的申请, 同意 REQ-12, 委托 ... 代批到 ...
    "bot/features/*/commands.py",
    "bot/features/phrases.py",  # the separators and end punctuation of typed commands
    "dialogs/matching.py",  # amounts in a first sentence: 8000元, 8千
    "dialogs/prefill.py",  # answers read from a first sentence: 预算, 明天, 一台
    "dialogs/words.py",  # the dialog's command words: 取消, 上一步, 跳过, 帮助, 提交, 修改
    "dialogs/parsing/amounts.py",  # 元 块 人民币, fillers 大概 左右
    "dialogs/parsing/booleans.py",  # 是 对 好的 / 否 不用
    "dialogs/parsing/choices.py",  # 第 选 全部
    "dialogs/parsing/dates.py",  # 今天 明天 后天 周一 下周 12月1日
    "dialogs/parsing/numerals.py",  # 一 二 十 百 千 万 亿 壹 贰
    "dialogs/parsing/text.py",  # punctuation to strip, the range of CJK characters
)

# Words the code outside those modules must recognise in what people type.
VOCABULARY = frozenset({
    "是", "好",  # dialogs/engine.py: a yes to "submit?"
    "给",  # bot/tasks/flow.py: 转交 TASK-7 给 dave
    "改为", "改成", "修改为", "变为", "变成", "为", "成", "：",  # dialogs/amend.py: 预算 改为 6000
    "？",  # dialogs/loader_fields.py: the question mark stripped from a question
    "帮助",  # adapters/wecom/channel.py: opening the app asks the core for its help
    "企业可信",  # adapters/wecom/errors.py: 企业可信IP, a WeCom console setting (operator log)
})


def offending(literal: Literal) -> list[str]:
    runs = CJK_RUN.findall(literal.text)
    if not runs:
        return []
    if any(fnmatch(literal.path, pattern) for pattern in VOCABULARY_MODULES):
        return [literal.text] if SENTENCE.search(literal.text) else []
    return [run for run in runs if run not in VOCABULARY]


def report(packages: tuple[str, ...]) -> list[str]:
    return [f"{lit.path}:{lit.line}: {lit.text!r}" for lit in literals(packages)
            if offending(lit)]


def test_no_chinese_sentence_in_the_core() -> None:
    assert report(CORE_PACKAGES) == []


def test_no_chinese_sentence_in_the_adapters() -> None:
    assert report(ADAPTER_PACKAGES) == []


def test_the_scan_finds_a_sentence_and_allows_vocabulary() -> None:
    assert offending(Literal("bot/views.py", 1, "撤回"))
    assert offending(Literal("bot/views.py", 1, "、"))
    assert offending(Literal("dialogs/parsing/dates.py", 1, "请只给一个日期，例如 12月1日。"))
    assert offending(Literal("dialogs/parsing/booleans.py", 1, "请回答“是”或“否”。"))
    assert not offending(Literal("dialogs/parsing/dates.py", 1, "明天"))
    assert not offending(Literal("bot/commands.py", 1, r"^(?:撤回|撤销|withdraw)\s*[,，:：]?"))
    assert not offending(Literal("bot/features/tasks/commands.py", 1, "认领|领取|claim"))
    assert not offending(Literal("dialogs/engine.py", 1, "是"))
    assert not offending(Literal("bot/views.py", 1, "Withdraw"))
