"""Keep what the first sentence already said (Rasa forms' "slots from the first utterance").

``prefill`` returns the fields a free sentence answers *confidently*, with the same values as
``parse_answer``; anything uncertain is left for the dialog to ask. The rules:

- money: a number with a money marker (¥ CNY RMB 元 块 yuan, 千/万/k/w, or a word such as
  预算 金额 报销 花了 budget cost of for just before it) fills the service's only money field;
  with several money fields, the one whose label is written just before the number. A bare
  number (no marker, no unit) fills the only money/number field when the sentence has no date
  and no other number. Numbers glued to letters (i7, win10) or after 第 are never amounts.
  Chinese numerals without 十/千/万 or a currency (一台, 一下) are never amounts; followed by
  a Chinese count unit (两份, 三台) they are counts.
- number: a number followed by a unit (3天, 2台) fills the only number field whose label or
  question mentions that unit.
- date: a date expression fills the only date field; with several date fields, the one whose
  label is written just before the date.
- choice / multichoice: an option named in the sentence (label in either language, each part
  of an ``a/b`` label, a Chinese label without a trailing 费/本/类 or a leading 办理/申请, the
  everyday words for common labels in ``OPTION_CUES`` (丢了 for 丢失, 打车 for 交通费),
  or the option value), as a
  substring for Chinese and as a word for English. A name inside a longer matched name of
  another option does not count; two options still matching means no fill for a choice.
  A name right after a negation (不要, not) does not count.
- bool: the field's subject (from its label or question) right after an explicit yes/no
  marker: 需要独立显卡 / 不需要独立显卡 / with a GPU / no GPU.
- text and user fields are never filled from the first sentence.
Out-of-range values are not filled: the question will be asked and validated then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialogs.model import FieldDef, Service
from dialogs.parsing.amounts import CURRENCY_PREFIXES, CURRENCY_SUFFIXES, plain
from dialogs.parsing.choices import option_labels
from dialogs.parsing.dates import DateHit, find_dates
from dialogs.parsing.numerals import NumberHit, find_numbers
from dialogs.parsing.result import Parsed
from dialogs.parsing.text import clean, has_cjk
from org.model import Directory

MONEY_WORDS = (
    "预算", "金额", "报销", "花了", "花费", "费用", "共计", "合计", "总共", "一共", "价格", "价值",
    "单价", "总价", "成本", "付了", "支付", "budget", "cost", "costs", "spent", "amount",
    "price", "paid", "total", "of", "for",
)
COUNT_UNITS = (
    "小时", "个月", "天", "日", "号", "月", "年", "周", "个", "台", "人", "位", "次", "张", "件",
    "本", "套", "份", "间", "把", "辆", "点", "分钟", "%", "days", "day", "hours", "hour",
    "weeks", "week", "months", "month", "years", "year", "people", "persons", "pcs", "units",
    "times", "x",
)
NEGATIONS = ("不需要", "不要", "不用", "没有", "无需", "不带", "不加", "不是", "非",
             "no", "not", "without", "don't need", "don't want", "dont need", "no need for")
AFFIRMATIONS = ("需要", "要", "带", "加", "配", "有", "with", "need", "want", "including",
                "plus", "needs")
_LABEL_WINDOW = 12  # characters before a number or date in which a field's label may stand
_TAIL_FILLER = re.compile(r"(?:[\s:：,，]|是|为|约|大概|大约|有|\bis\b|\bwas\b|\babout\b"
                          r"|\baround\b|\broughly\b|\ba\b|\ban\b|\bthe\b)*$")
_CJK_STEM_SUFFIXES = ("费", "本", "类")
_CJK_VERB_PREFIXES = ("办理", "申请", "开具", "预订", "购买")  # 办理签证 is named by 签证
# How people say an option whose label is one of these words (simplified, lower case): 丢失
# is "丢了" and "找不到了", 交通费 is "打车". Keyed by label, so every service whose option
# carries such a label gets them; a catalog's own label always counts too.
OPTION_CUES: dict[str, tuple[str, ...]] = {
    "丢失": ("丢了", "弄丢", "掉了", "找不到", "不见了", "遗失"),
    "lost": ("lost", "lose", "missing", "can't find", "cannot find"),
    "损坏": ("坏了", "磨坏", "断了", "碎了", "裂了", "失灵", "消磁", "刷不开", "刷不了"),
    "damaged": ("broken", "broke", "damaged", "cracked", "snapped", "stopped working",
                "doesn't work", "demagnetised", "demagnetized"),
    "交通费": ("打车", "出租车", "的士", "滴滴", "网约车", "车费", "地铁", "公交", "停车费",
            "高速费", "油费"),
    "transport": ("taxi", "cab", "uber", "didi", "subway", "metro", "bus fare", "parking"),
    "餐费": ("吃饭", "请客", "聚餐", "午饭", "晚饭", "午餐", "晚餐", "餐费", "饭钱"),
    "meals": ("meal", "lunch", "dinner", "breakfast"),
    "差旅费": ("出差", "机票", "酒店", "住宿"),
    "travel": ("trip", "flight", "hotel"),
    "办公用品": ("文具", "打印纸", "墨盒"),
    "office supplies": ("stationery", "printer paper", "toner"),
    "中文": ("中文版", "中文的"),
    "英文": ("英文版", "英文的", "英语"),
}


@dataclass(frozen=True)
class _Amount:
    hit: NumberHit
    money: bool  # written with a money marker
    unit: str  # the count unit after it, "" if none


def prefill(
    service: Service, text: str, *, today: date, directory: Directory | None = None
) -> dict[str, Any]:
    """Field id -> parsed value for the fields ``text`` answers confidently."""
    s = clean(text).lower()
    if not s:
        return {}
    dates = [d for d in find_dates(s, today) if d.value is not None]
    masked = _mask(s, dates)
    found: dict[str, Any] = {}
    found.update(_fill_dates(service, s, dates))
    found.update(_fill_numbers(service, masked, bool(dates)))
    for fdef in service.fields:
        if fdef.type in ("choice", "multichoice"):
            found.update(_fill_choice(fdef, masked))
        elif fdef.type == "bool":
            found.update(_fill_bool(fdef, masked))
    return found


def _mask(s: str, dates: list[DateHit]) -> str:
    for hit in reversed(dates):
        s = s[: hit.start] + " " * (hit.end - hit.start) + s[hit.end:]
    return s


# --- dates ------------------------------------------------------------------------------------


def _fill_dates(service: Service, s: str, dates: list[DateHit]) -> dict[str, Any]:
    fields = [f for f in service.fields if f.type == "date"]
    values = {d.value for d in dates}
    if not fields or not dates:
        return {}
    if len(fields) == 1:
        return {fields[0].id: dates[0].value} if len(values) == 1 else {}
    found: dict[str, Any] = {}
    for hit in dates:
        owner = _labelled_field(fields, s, hit.start)
        if owner is not None and owner.id not in found:
            found[owner.id] = hit.value
    return found


def _labelled_field(fields: list[FieldDef], s: str, start: int) -> FieldDef | None:
    """The field whose label is written closest before position ``start`` (None on a tie)."""
    before = s[max(0, start - _LABEL_WINDOW): start]
    ends: dict[int, list[FieldDef]] = {}
    for fdef in fields:
        found = [before.rfind(t) + len(t) for t in _label_terms(fdef) if t in before]
        if found:
            ends.setdefault(max(found), []).append(fdef)
    closest = ends.get(max(ends)) if ends else None
    return closest[0] if closest and len(closest) == 1 else None


def _label_terms(fdef: FieldDef) -> tuple[str, ...]:
    """How a sentence names a field: its label without question words, 日期 or 金额."""
    names = (fdef.label.zh, fdef.label.en, fdef.id.replace("_", " "))
    terms = {_QUESTION_WORDS.sub("", clean(name).lower()).strip() for name in names}
    for suffix in ("日期", "时间", "金额", "date", "amount"):
        terms |= {t.removesuffix(suffix).strip() for t in list(terms)}
    return tuple(t for t in terms if len(t) >= 2)


_QUESTION_WORDS = re.compile(
    r"^(?:请问|请输入|请填写|what is|what's|how much is)\s*"
    r"|(?:是多少|多少元|多少钱|多少|是哪天|哪天|几天|几个|几|吗)?[?？。.]*$"
)


# --- money and numbers ------------------------------------------------------------------------


def _fill_numbers(service: Service, s: str, has_dates: bool) -> dict[str, Any]:
    amounts = [a for h in find_numbers(s) if (a := _classify(s, h)) is not None]
    money_fields = [f for f in service.fields if f.type == "money"]
    number_fields = [f for f in service.fields if f.type == "number"]
    found = _fill_money(money_fields, s, [a for a in amounts if a.money])
    found.update(_fill_counts(number_fields, [a for a in amounts if a.unit]))
    bare = [a for a in amounts if not a.money and not a.unit]
    if not found and len(amounts) == 1 and bare and not has_dates:
        targets = money_fields + number_fields
        if len(targets) == 1:
            found.update(_accept(targets[0], bare[0].hit))
    return found


def _classify(s: str, hit: NumberHit) -> _Amount | None:
    """What a number in a sentence is: an amount, a count with a unit, bare, or not a number."""
    before, after = s[: hit.start], s[hit.end:]
    if hit.value is None or before.endswith(("第", "#", "no.")):
        return None
    after_word = after.lstrip()
    currency_after = after_word.startswith(CURRENCY_SUFFIXES)
    if re.search(r"[a-z]$", before) and not before.endswith(CURRENCY_PREFIXES):
        return None
    if re.match(r"[a-z]", after) and not currency_after:
        return None
    unit = next((u for u in COUNT_UNITS if _starts_with_unit(after_word, u)), "")
    if not hit.has_digits and not (currency_after or _has_unit_numeral(s[hit.start:hit.end])):
        return _Amount(hit, False, unit) if has_cjk(unit) else None  # 两份, 三台: a count
    if currency_after or hit.has_multiplier:
        return _Amount(hit, True, "")
    return _Amount(hit, not unit and _money_before(before), unit)


def _has_unit_numeral(numeral: str) -> bool:
    """一台 and 一下 are words; 十二, 三千五 and 一万 are numbers."""
    return any(ch in "十拾百佰千仟万亿" for ch in numeral)


def _starts_with_unit(text: str, unit: str) -> bool:
    if not text.startswith(unit):
        return False
    return has_cjk(unit) or unit == "%" or not text[len(unit): len(unit) + 1].isalpha()


def _money_before(before: str) -> bool:
    tail = _TAIL_FILLER.sub("", before[-16:])
    if tail.endswith(CURRENCY_PREFIXES):
        return True
    for word in MONEY_WORDS:
        if tail.endswith(word) and (has_cjk(word) or not tail[: -len(word)][-1:].isalpha()):
            return True
    return False


def _fill_money(fields: list[FieldDef], s: str, marked: list[_Amount]) -> dict[str, Any]:
    if not fields or not marked:
        return {}
    if len(fields) == 1:
        values = {a.hit.value for a in marked}
        return _accept(fields[0], marked[0].hit) if len(values) == 1 else {}
    found: dict[str, Any] = {}
    for amount in marked:
        owner = _labelled_field(fields, s, amount.hit.start)
        if owner is not None and owner.id not in found:
            found.update(_accept(owner, amount.hit))
    return found


def _fill_counts(fields: list[FieldDef], counts: list[_Amount]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for amount in counts:
        owners = [f for f in fields if _mentions_unit(f, amount.unit)]
        if len(owners) == 1 and owners[0].id not in found:
            found.update(_accept(owners[0], amount.hit))
    return found


def _mentions_unit(fdef: FieldDef, unit: str) -> bool:
    words = " ".join((fdef.label.zh, fdef.label.en, fdef.ask.zh, fdef.ask.en)).lower()
    return unit in words if has_cjk(unit) else re.search(rf"\b{re.escape(unit)}", words) is not None


def _accept(fdef: FieldDef, hit: NumberHit) -> dict[str, Any]:
    """The value if the field accepts it as an answer (range, decimals), else nothing."""
    from dialogs.fieldtypes import parse_answer  # the facade; imported late to avoid a cycle

    assert hit.value is not None
    parsed = parse_answer(fdef, plain(hit.value), today=date.min)
    return {fdef.id: parsed.value} if isinstance(parsed, Parsed) else {}


# --- choices ----------------------------------------------------------------------------------


def _fill_choice(fdef: FieldDef, s: str) -> dict[str, Any]:
    spans = {o.value: _spans(s, _option_terms(o.value, option_labels(o))) for o in fdef.options}
    spans = {value: found for value, found in spans.items() if found}
    named = [v for v, found in spans.items() if not _inside_other(found, v, spans)]
    if fdef.type == "multichoice":
        return {fdef.id: tuple(o.value for o in fdef.options if o.value in named)} if named else {}
    return {fdef.id: named[0]} if len(named) == 1 else {}


def _option_terms(value: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    terms = set(labels)
    for label in labels:
        terms.update(OPTION_CUES.get(label, ()))
        stem = label[:-1]
        if has_cjk(label) and label.endswith(_CJK_STEM_SUFFIXES) and len(stem) >= 2:
            terms.add(stem)
        verb = next((v for v in _CJK_VERB_PREFIXES if label.startswith(v)), "")
        if verb and len(label) - len(verb) >= 2:
            terms.add(label[len(verb):])
    if len(value) < 3 or not value.replace("_", "").replace("-", "").isalpha():
        terms.discard(value.lower())
    return tuple(t for t in terms if len(t) >= (2 if has_cjk(t) else 3))


def _spans(s: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = re.escape(term) if has_cjk(term) else (
            rf"(?<![a-z0-9]){re.escape(term)}(?:s|es)?(?![a-z0-9])")
        spans.extend(m.span() for m in re.finditer(pattern, s) if not _negated(s, m.start()))
    return spans


def _negated(s: str, start: int) -> bool:
    before = s[max(0, start - 12): start].rstrip()
    before = re.sub(r"(?:\b(?:a|an|the|any)\b|一个|一台|个)\s*$", "", before).rstrip()
    return any(before.endswith(n) and (has_cjk(n) or not before[: -len(n)][-1:].isalpha())
               for n in NEGATIONS)


def _inside_other(
    mine: list[tuple[int, int]], value: str, spans: dict[str, list[tuple[int, int]]]
) -> bool:
    """Every name of this option lies inside a longer name of another option (差旅 in 国际差旅)."""
    others = [span for v, found in spans.items() if v != value for span in found]
    return all(
        any(o[0] <= a and b <= o[1] and (o[1] - o[0]) > (b - a) for o in others)
        for a, b in mine
    )


# --- yes / no ---------------------------------------------------------------------------------


_ZH_QUESTION = re.compile(r"^(?:请问)?(?:是否|需不需要|要不要|有没有|是不是|需要|要)|[吗呢么嘛?]+$")
_EN_QUESTION = re.compile(
    r"^(?:do you (?:need|want)|would you like|will you need|do you|is it|is this|are you"
    r"|does it|need|want)\s+|^(?:a|an|the|any)\s+|\?+$"
)


def _fill_bool(fdef: FieldDef, s: str) -> dict[str, Any]:
    answers: set[bool] = set()
    for term in _subjects(fdef):
        for m in re.finditer(re.escape(term) if has_cjk(term) else rf"\b{re.escape(term)}\b", s):
            polarity = _polarity(s[max(0, m.start() - 16): m.start()])
            if polarity is not None:
                answers.add(polarity)
    return {fdef.id: answers.pop()} if len(answers) == 1 else {}


def _subjects(fdef: FieldDef) -> tuple[str, ...]:
    """What a yes/no field is about: 独立显卡 / discrete gpu / gpu."""
    subjects: set[str] = set()
    for phrase in (fdef.label.zh, fdef.ask.zh, fdef.label.en, fdef.ask.en, fdef.id):
        words = clean(phrase).lower().replace("_", " ").strip(" ?？。.")
        pattern = _ZH_QUESTION if has_cjk(words) else _EN_QUESTION
        for _ in range(3):
            words = pattern.sub("", words).strip()
        if has_cjk(words) and len(words) >= 2:
            subjects.add(words)
        elif words and not has_cjk(words):
            subjects.add(words)
            subjects.add(words.split()[-1])
    return tuple(t for t in subjects if len(t) >= (2 if has_cjk(t) else 3))


def _polarity(before: str) -> bool | None:
    tail = re.sub(r"(?:\b(?:a|an|the|any)\b|一个|一块|一台|个|块)?\s*$", "", before).rstrip()
    for words, value in ((NEGATIONS, False), (AFFIRMATIONS, True)):
        for word in words:
            if tail.endswith(word) and (has_cjk(word) or not tail[: -len(word)][-1:].isalpha()):
                return value
    return None

