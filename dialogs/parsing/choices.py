"""Picking options: by number (2, 第2个, second), by value (pro), by label in either language
(exact, then fuzzy with rapidfuzz: partial matching for Chinese so 高性能 finds 高性能本)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from dialogs.model import FieldDef, Option
from dialogs.parsing.numerals import read_english_number, read_run
from dialogs.parsing.result import Invalid, Parsed, invalid, listing
from dialogs.parsing.text import SHORT_ANSWER_MAX, has_cjk, simplify

FUZZY_MIN_CJK = 75  # fuzz.partial_ratio for Chinese answers of 2 characters or more
FUZZY_MIN_LATIN = 80  # best of ratio / token_set_ratio / prefix for other answers
FUZZY_MARGIN = 5  # the best option must beat the next by this much, else it is ambiguous
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}
_BY_NUMBER = re.compile(
    r"(?:第|选|选择|选项|option|number|no\.?|#|the)?\s*"
    r"(?P<n>[0-9]{1,3}|[一二两三四五六七八九十]{1,3}|[a-z]+?)\s*"
    r"(?:st|nd|rd|th)?\s*(?:个|项|号|种|款|条|one|option)?"
)
_SEPARATORS = re.compile(r"\s*(?:[,;、/&+]|\band\b|\bor\b|和|以及|还有|跟|与|及)\s*")
_ALL_WORDS = frozenset({"全部", "都要", "全选", "所有", "all", "all of them", "everything"})


def option_labels(option: Option) -> tuple[str, ...]:
    """An option's names, simplified: value, both labels, and each part of ``a/b`` labels."""
    names = [option.value, option.label.zh, option.label.en]
    for label in (option.label.zh, option.label.en):
        names.extend(part for part in re.split(r"\s*/\s*", label) if part)
    seen: dict[str, None] = {}
    for name in names:
        if simplify(name):
            seen.setdefault(simplify(name), None)
    return tuple(seen)


def choice_reason(field: FieldDef) -> Invalid:
    count = len(field.options)
    return invalid("parse.choice.pick_a_number", count=count,
                   options=listing([o.label for o in field.options]))


def parse_choice(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    if not s or len(s) > SHORT_ANSWER_MAX or not field.options:
        return choice_reason(field)
    found = find_option(field, s)
    return found if isinstance(found, Invalid) else Parsed(found.value)


def parse_multichoice(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    if not s or len(s) > SHORT_ANSWER_MAX or not field.options:
        return choice_reason(field)
    if s in _ALL_WORDS:
        return Parsed(tuple(o.value for o in field.options))
    whole = find_option(field, s)
    if isinstance(whole, Option) and not _SEPARATORS.search(s):
        return Parsed((whole.value,))
    picked: set[str] = set()
    for part in (p for p in _SEPARATORS.split(s) if p.strip()):
        found = _part_options(field, part)
        if isinstance(found, Invalid):
            return found
        picked.update(o.value for o in found)
    return Parsed(tuple(o.value for o in field.options if o.value in picked))


def _part_options(field: FieldDef, part: str) -> list[Option] | Invalid:
    """One comma-separated part: an option, or several separated only by spaces (``1 3``)."""
    found = find_option(field, part)
    if isinstance(found, Option):
        return [found]
    words = part.split()
    if len(words) < 2:
        return found
    options = [find_option(field, word) for word in words]
    if any(isinstance(o, Invalid) for o in options):
        return found
    return [o for o in options if isinstance(o, Option)]


def find_option(field: FieldDef, s: str) -> Option | Invalid:
    """The option a simplified answer names; exact names win over numbers, numbers over fuzzy."""
    for option in field.options:
        if s in option_labels(option):
            return option
    number = _ordinal(s)
    if number is not None:
        if number == -1:
            return field.options[-1]
        if 1 <= number <= len(field.options):
            return field.options[number - 1]
        return choice_reason(field)
    return _fuzzy_option(field, s)


def _ordinal(s: str) -> int | None:
    word = s.removeprefix("the ").removesuffix(" one").removesuffix(" option").strip()
    if word in _ORDINALS:
        return _ORDINALS[word]
    match = _BY_NUMBER.fullmatch(s)
    if match is None:
        return None
    raw = match["n"]
    value = read_english_number(raw) if raw.isalpha() and raw.isascii() else read_run(raw)
    return int(value) if value is not None and value == int(value) else None


def _fuzzy_option(field: FieldDef, s: str) -> Option | Invalid:
    cjk = has_cjk(s)
    if len(s) < (2 if cjk else 3):
        return choice_reason(field)
    scored = sorted(
        ((max(similarity(s, name, cjk) for name in option_labels(o)), i)
         for i, o in enumerate(field.options)),
        reverse=True,
    )
    best, index = scored[0]
    if best < (FUZZY_MIN_CJK if cjk else FUZZY_MIN_LATIN):
        return choice_reason(field)
    close = [field.options[i] for score, i in scored if best - score < FUZZY_MARGIN]
    if len(close) > 1:
        return invalid("parse.choice.could_be", text=s, options=listing([o.label for o in close]))
    return field.options[index]


def similarity(answer: str, name: str, cjk: bool) -> float:
    """0-100: how well an answer names ``name``. Chinese: partial (substring-like) matching."""
    if cjk or has_cjk(name):
        return fuzz.partial_ratio(answer, name) if len(answer) >= 2 else 0.0
    prefix = 95.0 if len(answer) >= 3 and name.startswith(answer) else 0.0
    return max(fuzz.ratio(answer, name), fuzz.token_set_ratio(answer, name), prefix)
