"""Numerals: digits with thousands separators, Chinese numerals (三千五, 一万二, 1.5万, 贰佰),
English number words (three, two thousand), and finding number expressions in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8,
    "捌": 8, "九": 9, "玖": 9,
}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10**4, "亿": 10**8}
CN_NUMERAL_CHARS = "".join((*CN_DIGITS, *CN_SMALL_UNITS, *CN_BIG_UNITS))
LATIN_MULTIPLIERS = {"k": 1000, "w": 10**4, "thousand": 1000, "million": 10**6}
LARGEST = Decimal(10) ** 12  # money and numbers beyond this are typing accidents

# A run of digits and Chinese numerals; "." and "," only between digits. Linear, no backtracking.
_RUN = rf"(?:[0-9{CN_NUMERAL_CHARS}]|(?<=[0-9])[.,](?=[0-9]))+"
_MULTIPLIER = r"(?:\s?(?:k|w)(?![a-z])|\s*(?:thousand|million)(?![a-z]))"
NUMBER_RE = re.compile(rf"(?P<run>{_RUN})(?P<mult>{_MULTIPLIER})?", re.IGNORECASE)
_PLAIN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]")

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6}
_EN_WORD = "|".join((*_EN_UNITS, *_EN_SCALES))
EN_NUMBER_RE = re.compile(rf"\b(?:{_EN_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_EN_WORD}))*\b")


@dataclass(frozen=True)
class NumberHit:
    """A number expression found in text; ``value`` is None when it cannot be read (8,00,0)."""

    start: int
    end: int
    value: Decimal | None
    has_digits: bool  # written with 0-9 (not only Chinese numerals)
    has_multiplier: bool  # 千 万 k w thousand ...: people write these for amounts


def find_numbers(text: str) -> list[NumberHit]:
    """Number expressions in lower-cased, NFKC-normalized text, left to right."""
    hits = []
    for match in NUMBER_RE.finditer(text):
        run, mult = match["run"], (match["mult"] or "").strip().lower()
        value = read_run(run)
        if value is not None and mult:
            value *= LATIN_MULTIPLIERS[mult]
        multiplied = bool(mult) or any(ch in run for ch in "千仟万亿")
        digits = any(ch.isdigit() for ch in run)
        if not digits and not _reads_as_numeral(run):
            continue
        hits.append(NumberHit(match.start(), match.end(), value, digits, multiplied))
    return hits


def _reads_as_numeral(run: str) -> bool:
    """A lone 千/万 inside a word (千万别, 万一) is not a number."""
    return any(ch in CN_DIGITS or ch in "十拾" for ch in run)


def read_run(run: str) -> Decimal | None:
    """The value of one run of digits and Chinese numerals, or None."""
    if _PLAIN.fullmatch(run):
        return _decimal(run.replace(",", ""))
    if "," in run:
        return None
    tokens = _TOKEN.findall(run)
    if "".join(tokens) != run:
        return None
    if all(t in CN_DIGITS for t in tokens) and len(tokens) > 1:  # 二〇二六
        return Decimal("".join(str(CN_DIGITS[t]) for t in tokens))
    return _combine(tokens)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < LARGEST * 1000 else None


def _combine(tokens: list[str]) -> Decimal | None:
    total, section = Decimal(0), Decimal(0)
    current: Decimal | None = None
    last_unit, small_unit, zero_seen = 0, 0, False
    for token in tokens:
        if CN_DIGITS.get(token) == 0:
            if current is not None:
                return None
            zero_seen = True
        elif token in CN_DIGITS or token[0].isdigit():
            if current is not None:
                return None
            current = Decimal(CN_DIGITS[token]) if token in CN_DIGITS else _decimal(token)
            if current is None:
                return None
        elif token in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[token]
            if (small_unit and unit >= small_unit) or (current is None and unit != 10):
                return None
            section += (Decimal(1) if current is None else current) * unit
            current, last_unit, small_unit, zero_seen = None, unit, unit, False
        else:
            unit = CN_BIG_UNITS[token]
            if current is None and section == 0:
                if last_unit == 10**4 and unit > last_unit and total:  # 万亿: 10^4 * 10^8
                    total *= unit
                    last_unit = unit
                    continue
                return None
            section += current or 0
            total = (total + section) * unit if unit > 10**4 else total + section * unit
            section, current, last_unit, small_unit, zero_seen = Decimal(0), None, unit, 0, False
    if current is not None:
        abbreviated = last_unit >= 10 and not zero_seen and current == int(current) < 10
        section += current * (last_unit // 10) if abbreviated else current  # 三千五 = 3500
    return total + section


def read_english_number(text: str) -> Decimal | None:
    """``three``, ``twenty-five``, ``two thousand five hundred``; None if not only that."""
    words = [w for w in re.split(r"[\s-]+", text.strip().lower()) if w and w != "and"]
    if not words or any(w not in _EN_UNITS and w not in _EN_SCALES for w in words):
        return None
    total, current = 0, 0
    for word in words:
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _EN_SCALES[word]
            current = 0
    return Decimal(total + current)
