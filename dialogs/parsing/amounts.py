"""Money and number answers: exactly one number, in range, with at most two decimals.

Values are ``Decimal`` for both types: money quantized to 0.01, numbers as typed
(``Decimal("3")``, ``Decimal("2.5")``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from dialogs.model import FieldDef
from dialogs.parsing.numerals import (
    EN_NUMBER_RE,
    LARGEST,
    NumberHit,
    find_numbers,
    read_english_number,
)
from dialogs.parsing.result import Invalid, Parsed, invalid
from dialogs.parsing.text import SHORT_ANSWER_MAX, only_punctuation, remove_words, simplify

CENT = Decimal("0.01")
CURRENCY_PREFIXES = ("¥", "cny", "rmb", "人民币")
CURRENCY_SUFFIXES = ("元", "块钱", "块", "圆", "yuan", "rmb", "cny", "人民币")
FOREIGN_CURRENCY = re.compile(r"\$|€|£|usd|eur|gbp|hkd|jpy|dollar|euro|美元|美金|欧元|港币|日元")
NEGATIVE = re.compile(r"(?:^|[^0-9a-z])-\s*(?=[0-9])|负|minus|negative")
_FILLERS = (
    "预算", "金额", "大概", "大约", "约", "左右", "差不多", "上下", "以内", "一共", "总共", "共",
    "合计", "总计", "整", "吧", "啊", "呢", "是", "为", "我的", "需要", "要", "的",
    "about", "around", "approx", "approximately", "roughly", "budget", "amount", "total",
    "is", "of", "the", "my", "it's", "its", "~",
)


def money_reason() -> Invalid:
    return invalid("金额需要是数字，例如 8000、8千 或 ¥8,000.50。",
                   "The amount must be a number, e.g. 8000, 8k or ¥8,000.50.")


def number_reason() -> Invalid:
    return invalid("请输入一个数字，例如 3 或 2.5。", "Please enter a number, e.g. 3 or 2.5.")


def negative_reason() -> Invalid:
    return invalid("不能是负数，请输入一个正数。",
                   "It cannot be negative; enter a positive number.")


def plain(value: Decimal) -> str:
    """``8000`` -> ``8,000``; ``1.50`` stays ``1.50``; no exponent notation."""
    return format(value, ",f")


def parse_money(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    if FOREIGN_CURRENCY.search(s):
        return invalid("金额请用人民币（元）填写，例如 8000。",
                       "Please give the amount in CNY (yuan), e.g. 8000.")
    found = _one_number(s, (*_FILLERS, *CURRENCY_PREFIXES, *CURRENCY_SUFFIXES), money_reason())
    if isinstance(found, Invalid):
        return found
    if found != found.quantize(CENT):
        return invalid("金额最多两位小数（精确到分），例如 8000.50。",
                       "Use at most two decimals for an amount, e.g. 8000.50.")
    return in_range(field, found.quantize(CENT), money=True)


def parse_number(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    found = _one_number(s, _FILLERS, number_reason(), units_allowed=True)
    if isinstance(found, Invalid):
        return found
    if found != found.quantize(CENT):
        return invalid("最多保留两位小数，例如 2.5。", "Use at most two decimals, e.g. 2.5.")
    return in_range(field, found.normalize() if found == found.to_integral() else found)


def _one_number(
    s: str, fillers: tuple[str, ...], reason: Invalid, *, units_allowed: bool = False
) -> Decimal | Invalid:
    if not s or len(s) > SHORT_ANSWER_MAX:
        return reason
    if NEGATIVE.search(s):
        return negative_reason()
    rest = remove_words(s, fillers)
    hits = find_numbers(rest)
    if not hits:
        return _spelled_number(rest, reason)
    values = {h.value for h in hits}
    if None in values:
        return reason
    if len(values) > 1:
        what_zh, what_en = ("数", "number") if units_allowed else ("金额", "amount")
        return invalid(f"请只填一个{what_zh}，例如 8000（不要写 8000 或 9000）。",
                       f"Please give just one {what_en}, e.g. 8000 (not 8000 or 9000).")
    if not units_allowed and not only_punctuation(_without(rest, hits)):
        return reason
    value = hits[0].value
    assert value is not None
    return value


def _spelled_number(rest: str, reason: Invalid) -> Decimal | Invalid:
    match = EN_NUMBER_RE.search(rest)
    if match is None or not only_punctuation(rest[: match.start()] + rest[match.end():]):
        return reason
    value = read_english_number(match.group())
    return reason if value is None else value


def _without(text: str, hits: list[NumberHit]) -> str:
    for hit in reversed(hits):
        text = text[: hit.start] + " " + text[hit.end:]
    return text


def in_range(field: FieldDef, value: Decimal, *, money: bool = False) -> Parsed | Invalid:
    low = field.min if field.min is not None else Decimal(0)
    unit_zh, unit_en = (" 元", "CNY ") if money else ("", "")
    if value < low:
        if low == 0:
            return negative_reason()
        return invalid(f"不能少于{' ' + plain(low)}{unit_zh}。",
                       f"It must be at least {unit_en}{plain(low)}.")
    high = field.max if field.max is not None else LARGEST
    if value > high:
        return invalid(f"不能超过 {plain(high)}{unit_zh}。",
                       f"It must be at most {unit_en}{plain(high)}.")
    return Parsed(value)
