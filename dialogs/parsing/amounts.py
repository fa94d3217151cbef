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
FRACTION_OR_DATE = re.compile(r"[0-9]\s*/\s*[0-9]")
NEGATIVE = re.compile(r"(?:^|[^0-9a-z])-\s*(?=[0-9])|负|minus|negative")
_FILLERS = (
    "预算", "金额", "大概", "大约", "约", "左右", "差不多", "上下", "以内", "一共", "总共", "共",
    "合计", "总计", "整", "吧", "啊", "呢", "是", "为", "我的", "需要", "要", "的",
    "about", "around", "approx", "approximately", "roughly", "budget", "amount", "total",
    "is", "of", "the", "my", "it's", "its", "~",
)


def money_reason() -> Invalid:
    return invalid("parse.money.not_a_number")


def number_reason() -> Invalid:
    return invalid("parse.number.not_a_number")


def negative_reason() -> Invalid:
    return invalid("parse.negative")


def plain(value: Decimal) -> str:
    """``8000`` -> ``8,000``; ``1.50`` stays ``1.50``; no exponent notation."""
    return format(value, ",f")


def parse_money(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    if FOREIGN_CURRENCY.search(s):
        return invalid("parse.money.foreign_currency")
    found = _one_number(s, (*_FILLERS, *CURRENCY_PREFIXES, *CURRENCY_SUFFIXES), money_reason())
    if isinstance(found, Invalid):
        return found
    if found != found.quantize(CENT):
        return invalid("parse.money.decimals")
    return in_range(field, found.quantize(CENT), money=True)


def parse_number(field: FieldDef, text: str) -> Parsed | Invalid:
    s = simplify(text)
    found = _one_number(s, _FILLERS, number_reason(), units_allowed=True)
    if isinstance(found, Invalid):
        return found
    if found != found.quantize(CENT):
        return invalid("parse.number.decimals")
    return in_range(field, found.normalize() if found == found.to_integral() else found)


def _one_number(
    s: str, fillers: tuple[str, ...], reason: Invalid, *, units_allowed: bool = False
) -> Decimal | Invalid:
    if not s or len(s) > SHORT_ANSWER_MAX:
        return reason
    if NEGATIVE.search(s):
        return negative_reason()
    if FRACTION_OR_DATE.search(s):  # "12/25" is a date or a fraction, not two amounts
        return reason
    rest = remove_words(s, fillers)
    hits = find_numbers(rest)
    if not hits:
        return _spelled_number(rest, reason)
    values = {h.value for h in hits}
    if None in values:
        return reason
    if len(values) > 1:
        return invalid("parse.number.one_only" if units_allowed else "parse.money.one_only")
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
    if value < low:
        if low == 0:
            return negative_reason()
        return invalid("parse.money.at_least" if money else "parse.number.at_least",
                       min=plain(low))
    high = field.max if field.max is not None else LARGEST
    if value > high:
        return invalid("parse.money.at_most" if money else "parse.number.at_most",
                       max=plain(high))
    return Parsed(value)
