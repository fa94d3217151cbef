"""Which service a free sentence asks for: fuzzy intent matching in Chinese and English.

Every service is described by terms: its names in both languages and its keywords. A term is
cut into units: character bigrams for Chinese (which has no spaces: 报销差旅费 contains the
bigrams of 差旅费 and 报销, whatever their order), words for English (stop words dropped, a
plural ``s`` removed). A unit found in many services (申请, request) weighs less: its weight
is ``1 / sqrt(number of services that use it)``.

A sentence is normalized the same way (NFKC, lower case, amounts and punctuation removed, so
"8000元" never influences matching). English words that are not in the vocabulary are matched
to close ones with ``rapidfuzz`` (laptp -> laptop, pasword -> password) that begin with the
same letter (night is not a typo of right) and, for words under 6 letters, are one edit away
(status is not a typo of start).

For each term the sentence touches: ``coverage`` = matched unit weight / all unit weight, and
``size`` = matched letters, a Chinese character counting as 2.5 letters; its strength is
``coverage * min(1, (size + 4) / 14)``, so 差旅费报销 fully covered beats 差旅 alone and a
longer, more specific hit beats a short one. A service's score combines its terms' strengths
like independent evidence: ``1 - prod(1 - 0.95 * strength)``; several hits add up.

Only units used by few terms (at most ``_GATHER_MAX_DF``, or 2% of all terms) open candidate
terms, so a match looks at a few terms even for a catalog of thousands of services.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dialogs.model import Catalog

FOUND_MIN_CJK = 0.5  # score needed for "found" when the sentence has Chinese in it
FOUND_MIN_LATIN = 0.45  # score needed for "found" for other sentences
ASK_MIN = 0.35  # below the bar but at least this: "did you mean ...?" instead of nothing
RIVAL_MIN = 0.3  # a runner-up below this is never offered
RIVAL_SHARE = 0.5  # a runner-up with this share of the best one's evidence: "A or B?"
TYPO_MIN = 80  # fuzz.ratio for an unknown English word to count as a known one (laptp)
TYPO_MIN_LENGTH = 4  # shorter words must be spelled right
TYPO_SHORT = 6  # shorter words: one letter dropped, added or swapped (laptp, rigth), no more
SUGGEST_MIN = 0.05  # a scored candidate below this is not worth suggesting
NAME_SUGGEST_MIN = 75  # fuzz.partial_ratio of the sentence to a name, when nothing scored
NAME_SUGGEST_SCALE = 0.4  # such a name-only suggestion is scored at most this (below the bar)
EVIDENCE = 0.95  # how much one fully matched, specific term is worth on its own
CJK_LETTERS = 2.5
_GATHER_MAX_DF = 50
_RANKED = 10  # candidates kept from a score: match looks at 3, suggest at a few
_AMOUNT = re.compile(
    r"(?:[¥$]|cny|rmb)?\s*[0-9][0-9,.]*\s*(?:元|块钱|块|万|千|k|w|yuan|rmb|cny)?(?![a-z])"
)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9]*")
STOP_WORDS = frozenset({
    "i", "me", "my", "we", "our", "you", "a", "an", "the", "to", "for", "of", "in", "on", "at",
    "and", "or", "with", "is", "am", "are", "be", "it", "this", "that", "please", "pls", "can",
    "could", "would", "like", "want", "need", "needs", "get", "some", "help", "do", "have",
    "has", "hi", "hello", "hey", "thanks", "thank", "there", "how", "what", "new", "about",
    "from", "by", "so", "just", "im", "i'm", "will", "should", "any", "good", "morning",
})

# Chinese bigrams that say nothing about a service, dropped from terms and sentences alike:
# "报一下" is matched by 报一, so "查一下" finds nothing through 一下.
STOP_BIGRAMS = frozenset({
    "一下", "一个", "一些", "一点", "怎么", "什么", "可以", "需要", "我要", "我想", "帮我", "这个",
    "那个", "我的", "了吗", "的话", "能不", "不能",
})

Kind = Literal["found", "ambiguous", "none"]


@dataclass(frozen=True)
class Candidate:
    service_id: str
    score: float  # 0..1


@dataclass(frozen=True)
class MatchResult:
    kind: Kind
    candidates: tuple[Candidate, ...]  # best first; for "ambiguous" the 2-3 close ones


@dataclass(frozen=True)
class _Unit:
    key: str  # a Chinese bigram or an English word
    position: int  # of the bigram's first character in its term; -1 for words
    letters: int  # English letters in the word; 0 for bigrams


@dataclass(frozen=True)
class _Term:
    service: int
    units: tuple[_Unit, ...]


def normalize(text: str) -> str:
    """NFKC, lower case, amounts and punctuation replaced by spaces."""
    s = unicodedata.normalize("NFKC", text if isinstance(text, str) else "").lower()
    s = _AMOUNT.sub(" ", s)
    return "".join(ch if ch.isalnum() else " " for ch in s)


_SUFFIXES = ("ings", "ing", "ed", "es", "s")  # tried in this order, at most one is removed
_STEM_MIN = 3  # letters a stem keeps


def _stem(word: str) -> str:
    """A light English stem, the same for catalog terms and sentences: travelling, travels and
    travel -> travel; booked, booking -> book; reserve, reserved -> reserv."""
    if len(word) <= 4 or word.endswith(("ss", "us", "is")):  # status, analysis stay whole
        return word
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= _STEM_MIN:
            word = stem
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned -> plan, but keep "all", "toss"
    if len(word) > 3 and word.endswith("ll"):
        word = word[:-1]  # travelled -> travel
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _is_typo(word: str, known: str) -> bool:
    """A typo keeps its first letter (night is no right); a short word is one edit away
    (status, read as statu, is no start)."""
    if word[0] != known[0] or len(known) < TYPO_MIN_LENGTH:  # pending is no pen
        return False
    return len(word) >= TYPO_SHORT or OSA.distance(word, known) <= 1


def _units(text: str, *, sentence: bool = False) -> tuple[_Unit, ...]:
    """A term's units; a sentence also has each Chinese character, for one-character terms."""
    s = normalize(text)
    units: list[_Unit] = []
    for run in _CJK_RUN.finditer(s):
        chars = run.group()
        if len(chars) == 1 or sentence:  # a one-character term (买, 领) is its own unit
            units.extend(_Unit(ch, run.start() + i, 0) for i, ch in enumerate(chars))
        units.extend(_Unit(chars[i: i + 2], run.start() + i, 0) for i in range(len(chars) - 1)
                     if chars[i: i + 2] not in STOP_BIGRAMS)
    for word in _WORD.findall(s):
        if word not in STOP_WORDS:
            units.append(_Unit(_stem(word), -1, len(word)))
    return tuple(units)


def _evidence(score: float) -> float:
    """How much a score says, unbounded: two services both above 0.99 still differ here."""
    return -math.log(max(1 - score, 1e-6))


class Matcher:
    """Matches sentences against a catalog; build once, match many times."""

    def __init__(self, catalog: Catalog) -> None:
        self._ids = sorted(catalog.services)
        self._terms: list[_Term] = []
        for index, service_id in enumerate(self._ids):
            service = catalog.services[service_id]
            seen: set[frozenset[str]] = set()
            for phrase in sorted({service.name.zh, service.name.en, *service.keywords}):
                units = _units(phrase)
                keys = frozenset(u.key for u in units)
                if units and keys not in seen:  # travel and travelling are one term
                    seen.add(keys)
                    self._terms.append(_Term(index, units))
        self._weights = self._unit_weights()
        self._by_unit: dict[str, list[int]] = defaultdict(list)
        for term_id, term in enumerate(self._terms):
            for key in {u.key for u in term.units}:
                self._by_unit[key].append(term_id)
        self._vocabulary = sorted(k for k in self._by_unit if k.isascii())
        self._names = [f"{n.zh} {n.en}".lower()
                       for n in (catalog.services[i].name for i in self._ids)]
        self._gather_cap = max(_GATHER_MAX_DF, len(self._terms) // 50)
        self._totals = [sum(self._weights[u.key] for u in t.units) for t in self._terms]
        self._rows = [tuple(self._row(u) for u in t.units) for t in self._terms]

    def _row(self, unit: _Unit) -> tuple[str, float, int, int]:
        """A unit as ``_strength`` reads it: key, weight, letters, characters covered (bits)."""
        chars = ((1 << len(unit.key)) - 1) << unit.position if unit.position >= 0 else 0
        return unit.key, self._weights[unit.key], unit.letters, chars

    def _unit_weights(self) -> dict[str, float]:
        services: dict[str, set[int]] = defaultdict(set)
        for term in self._terms:
            for unit in term.units:
                services[unit.key].add(term.service)
        return {key: 1 / math.sqrt(len(users)) for key, users in services.items()}

    def match(self, text: str) -> MatchResult:
        """``found`` only when one service stands out; ``ambiguous`` ("did you mean?") when a
        rival scores close to it, or when the best is worth asking about but below the bar."""
        scored = self._score(text)
        if not scored or scored[0].score < ASK_MIN:
            return MatchResult("none", ())
        bar = FOUND_MIN_CJK if _CJK_RUN.search(normalize(text)) else FOUND_MIN_LATIN
        best = scored[0]
        rivals = [c for c in scored[1:3] if c.score >= RIVAL_MIN
                  and _evidence(c.score) >= RIVAL_SHARE * _evidence(best.score)]
        if best.score >= bar and not rivals:
            return MatchResult("found", (best,))
        return MatchResult("ambiguous", (best, *rivals))

    def suggest(self, text: str, limit: int = 3) -> tuple[Candidate, ...]:
        """The best candidates even below the bar, for "did you mean"."""
        scored = [c for c in self._score(text) if c.score >= SUGGEST_MIN][:limit]
        if len(scored) < limit:
            scored.extend(self._by_name(text, limit - len(scored), {c.service_id for c in scored}))
        return tuple(scored)

    def _by_name(self, text: str, limit: int, taken: set[str]) -> list[Candidate]:
        query = normalize(text).strip()
        if len(query) < 2 or limit <= 0:
            return []
        found = process.extract(query, self._names, scorer=fuzz.partial_ratio,
                                limit=limit + len(taken), score_cutoff=NAME_SUGGEST_MIN)
        result = [Candidate(self._ids[index], round(NAME_SUGGEST_SCALE * score / 100, 4))
                  for _, score, index in found if self._ids[index] not in taken]
        return result[:limit]

    def _score(self, text: str) -> list[Candidate]:
        similar = self._similar_units(_units(text, sentence=True))
        if not similar:
            return []
        doubt: dict[int, float] = defaultdict(lambda: 1.0)
        for term_id in self._candidate_terms(similar):
            service = self._terms[term_id].service
            doubt[service] *= 1 - EVIDENCE * self._strength(term_id, similar)
        ranked = sorted(((1 - d, s) for s, d in doubt.items() if d < 1), reverse=True)
        return [Candidate(self._ids[s], round(score, 4)) for score, s in ranked[:_RANKED]]

    def _similar_units(self, units: tuple[_Unit, ...]) -> dict[str, float]:
        """Known units the sentence contains -> similarity 0..1 (1 unless it is a typo)."""
        similar: dict[str, float] = {}
        for unit in units:
            if unit.key in self._by_unit:
                similar[unit.key] = 1.0
            elif unit.position < 0 and len(unit.key) >= TYPO_MIN_LENGTH:
                for key, score, _ in process.extract(
                    unit.key, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_MIN, limit=3
                ):
                    if _is_typo(unit.key, key):
                        similar[key] = max(similar.get(key, 0.0), score / 100)
        return similar

    def _candidate_terms(self, similar: dict[str, float]) -> set[int]:
        terms: set[int] = set()
        for key in similar:
            if len(self._by_unit[key]) <= self._gather_cap:
                terms.update(self._by_unit[key])
        return terms

    def _strength(self, term_id: int, similar: dict[str, float]) -> float:
        """coverage * specificity of one term, 0..1 (see the module docstring)."""
        matched = letters = 0.0
        covered = 0
        for key, weight, unit_letters, chars in self._rows[term_id]:
            sim = similar.get(key)
            if sim:
                matched += weight * sim
                letters += unit_letters * sim
                covered |= chars
        size = letters + CJK_LETTERS * covered.bit_count()
        return (matched / self._totals[term_id]) * min(1.0, (size + 4) / 14)
