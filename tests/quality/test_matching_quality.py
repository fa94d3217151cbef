"""Matching quality on sentences the matcher was not written from (issue 15).

Each sentence of a held-out set is sent through the decision intake acts on
(``did_you_mean.decide``) over the demo catalog and counted as:

- right: the expected form opens (or, for "none", nothing opens and nothing is asked);
- asked: "did you mean" offers the expected service (for "none": any question, no form);
- wrong: another service's form opens;
- missed: nothing found, or a question that does not offer the expected service.

Three sets, each written before the tuning round that followed it (docs/decisions.md):
``heldout.toml`` (tuned on in round 1) and ``fresh.toml`` (tuned on in round 2) must meet the
issue's target, wrong forms under 2 % and right-or-asked over 95 %. ``blind.toml`` was never
tuned on: it shows how far the tuning generalises and guards that with a floor.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.features.intake.did_you_mean import decide
from dialogs.loader import demo_paths, load_bundle
from dialogs.matching import Matcher

HERE = Path(__file__).parent
OUTCOMES = ("right", "asked", "wrong", "missed")


@dataclass(frozen=True)
class Target:
    wrong_below: float  # share of sentences that open a wrong form
    right_or_asked_over: float


TARGETS = {
    "heldout": Target(wrong_below=0.02, right_or_asked_over=0.95),
    "fresh": Target(wrong_below=0.02, right_or_asked_over=0.95),
    "blind": Target(wrong_below=0.04, right_or_asked_over=0.93),  # never tuned on: a floor
}


@dataclass(frozen=True)
class Case:
    text: str
    expect: str  # a service id or "none"
    language: str


def cases(name: str) -> list[Case]:
    table = tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))["cases"]
    return [Case(text, expect, language)
            for expect, languages in table.items()
            for language, texts in languages.items() for text in texts]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_bundle(*demo_paths()).catalog)


def outcome(matcher: Matcher, case: Case) -> str:
    decision = decide(matcher, case.text)
    if decision.kind == "form":
        return "right" if decision.services == (case.expect,) else "wrong"
    if decision.kind == "ask":
        return "asked" if case.expect in (*decision.services, "none") else "missed"
    return "right" if case.expect == "none" else "missed"


def report(name: str, counts: Counter[str], total: int, misses: list[str]) -> str:
    figures = " / ".join(f"{counts[o]} {o}" for o in OUTCOMES)
    by_language = "; ".join(
        f"{lang}: " + " / ".join(str(counts[f"{lang}:{o}"]) for o in OUTCOMES)
        for lang in ("zh", "en"))
    return "\n".join([f"\nmatching quality, {name} ({total} sentences): {figures}",
                      f"  right / asked / wrong / missed by language: {by_language}",
                      *(f"  {line}" for line in misses)])


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_matching_meets_its_target(
    matcher: Matcher, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    counts: Counter[str] = Counter()
    misses: list[str] = []
    every = cases(name)
    for case in every:
        result = outcome(matcher, case)
        counts[result] += 1
        counts[f"{case.language}:{result}"] += 1
        if result in ("wrong", "missed"):
            misses.append(f"{result}: {case.text!r} (expected {case.expect})")
    with capsys.disabled():
        print(report(name, counts, len(every), misses))
    target = TARGETS[name]
    assert counts["wrong"] / len(every) < target.wrong_below, misses
    assert (counts["right"] + counts["asked"]) / len(every) > target.right_or_asked_over, misses


def test_the_held_out_sets_are_big_enough_and_in_both_languages() -> None:
    held = cases("heldout")
    assert len(held) >= 150
    languages = Counter(c.language for c in held)
    assert abs(languages["zh"] - languages["en"]) <= len(held) // 10
    nothing = sum(c.expect == "none" for c in held) / len(held)
    assert 0.10 <= nothing <= 0.20
    catalog = load_bundle(*demo_paths()).catalog
    every = (*held, *cases("fresh"), *cases("blind"))
    assert {c.expect for c in every} - {"none"} <= set(catalog.services)
    texts = [c.text for c in every]
    assert len(texts) == len(set(texts))  # no sentence is in two sets
