"""Intent matching: realistic sentences in Chinese and English find the right service."""

from __future__ import annotations

import random

import pytest

from dialogs.matching import Candidate, Matcher, MatchResult, normalize
from dialogs.model import Catalog
from tests.unit.builders import SERVICES, catalog, service


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(catalog())


FOUND = [
    ("我要申请一台笔记本，预算8000", "it.laptop"),
    ("电脑坏了，想换一台", "it.laptop"),
    ("my laptop is broken", "it.laptop"),
    ("laptp", "it.laptop"),  # typo
    ("我要报销差旅费8000元", "fin.expense"),  # 报销 wins over the travel service's 差旅
    ("报销", "fin.expense"),
    ("expense claim for travel 8000", "fin.expense"),
    ("I want to claim my expenses", "fin.expense"),
    ("I need VPN access", "it.access"),
    ("帮我开通VPN权限", "it.access"),
    ("reset my password", "it.password"),
    ("pasword reset", "it.password"),  # typo
    ("忘记密码了", "it.password"),
    ("I forgot my password", "it.password"),
    ("新同事下周入职", "hr.onboarding"),
    ("new hire onboarding next week", "hr.onboarding"),
    ("开个在职证明", "hr.certificate"),
    ("I need an employment letter", "hr.certificate"),
    ("我想订个会议室", "admin.room"),
    ("明天下午要会议室", "admin.room"),
    ("book a meeting room for tomorrow", "admin.room"),
    ("需要领点文具", "admin.supplies"),
    ("office supplies please", "admin.supplies"),
    ("我的工牌丢了", "admin.badge"),
    ("lost my badge", "admin.badge"),
    ("采购10台显示器", "fin.purchase"),
    ("出差去上海", "hr.travel"),
    ("I'm going on a business trip to Beijing", "hr.travel"),
    ("ＶＰＮ　ａｃｃｅｓｓ", "it.access"),  # full-width
]


@pytest.mark.parametrize(("text", "service_id"), FOUND, ids=[t for t, _ in FOUND])
def test_found(matcher: Matcher, text: str, service_id: str) -> None:
    result = matcher.match(text)
    assert result.kind == "found", result
    assert result.candidates[0].service_id == service_id


NONE = ["你好", "hello", "hi there", "asdfgh", "🙂", "", "   ", "谢谢", "8000", "¥8,000",
        "申请", "request", "我要请假", "\x00\x07", "x" * 10_000]


@pytest.mark.parametrize("text", NONE, ids=[repr(t[:12]) for t in NONE])
def test_none(matcher: Matcher, text: str) -> None:
    assert matcher.match(text) == MatchResult("none", ())


def test_ambiguous_offers_the_close_services(matcher: Matcher) -> None:
    result = matcher.match("出差报销")
    assert result.kind == "ambiguous"
    assert {c.service_id for c in result.candidates} == {"fin.expense", "hr.travel"}
    assert 2 <= len(result.candidates) <= 3
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_amounts_do_not_influence_matching(matcher: Matcher) -> None:
    assert matcher.match("我要报销差旅费8000元") == matcher.match("我要报销差旅费")
    assert matcher.match("laptop ¥8,000.50") == matcher.match("laptop")
    assert normalize("预算8000元，RMB 500").split() == ["预算"]


def test_longer_keyword_hits_weigh_more(matcher: Matcher) -> None:
    scores = {c.service_id: c.score for c in matcher.suggest("我要报销差旅费", limit=5)}
    assert scores["fin.expense"] > scores["hr.travel"]


def test_suggest_returns_candidates_below_the_bar(matcher: Matcher) -> None:
    assert matcher.match("申请").kind == "none"
    suggested = matcher.suggest("申请")
    assert 1 <= len(suggested) <= 3
    assert all(isinstance(c, Candidate) and 0 < c.score < 0.5 for c in suggested)
    assert matcher.suggest("asdfgh") == ()
    assert matcher.suggest("laptop", limit=1)[0].service_id == "it.laptop"


def test_an_empty_catalog_matches_nothing() -> None:
    assert Matcher(Catalog({})).match("laptop").kind == "none"


def test_a_big_catalog_still_finds_the_right_service() -> None:
    """5,000 synthetic services must not drown the real ones (speed is measured by the bench)."""
    rnd = random.Random(7)
    chars = "报销申请电脑笔记本会议室预订权限密码重置入职证明采购工牌门禁差旅出差办公用品文具显示器"
    words = ["laptop", "expense", "claim", "travel", "access", "vpn", "password", "reset",
             "onboarding", "certificate", "room", "booking", "supplies", "badge", "purchase",
             "printer", "network", "email", "contract", "invoice"]
    big = [service(f"s{i}", "".join(rnd.sample(chars, 4)), " ".join(rnd.sample(words, 2)),
                   (*("".join(rnd.sample(chars, 3)) for _ in range(3)), f"svc{i}"))
           for i in range(5000)]
    matcher = Matcher(Catalog({s.id: s for s in (*big, *SERVICES)}))
    for text, _ in FOUND:
        assert matcher.match(text).kind in ("found", "ambiguous", "none")


def test_english_words_match_whatever_their_ending() -> None:
    matcher = Matcher(catalog(service("fin.travel", "出差申请", "Business trip", ("travel",)),
                              service("admin.room", "会议室预订", "Meeting room", ("book",))))
    assert matcher.match("I'm travelling to Shanghai").candidates[0].service_id == "fin.travel"
    assert matcher.match("booked").kind != "none"


def test_a_one_character_keyword_counts_but_never_opens_a_form_alone() -> None:
    matcher = Matcher(catalog(service("proc.purchase", "采购申请", "Purchase", ("买", "显示器"))))
    assert matcher.match("我想买两台显示器").kind == "found"
    alone = matcher.match("我想买")
    assert alone.kind == "ambiguous" and len(alone.candidates) == 1  # "did you mean?"


def test_a_strong_rival_is_asked_about_but_a_weak_one_is_not() -> None:
    matcher = Matcher(catalog(
        service("fin.expense", "费用报销", "Expense claim", ("报销", "发票")),
        service("fin.travel", "出差申请", "Business trip", ("出差", "机票")),
    ))
    assert matcher.match("出差报销").kind == "ambiguous"
    assert matcher.match("报销发票").kind == "found"


def test_a_typo_keeps_its_first_letter() -> None:
    matcher = Matcher(catalog(service("it.access", "系统权限申请", "System access", ("rights",))))
    assert matcher.match("admin rigths").kind != "none"  # a transposition is a typo
    assert matcher.match("last night").kind == "none"  # night is another word, not right


def test_status_is_no_typo_of_start() -> None:
    """Found by tests/slack: a bare "status" opened the onboarding form (statu ~ start)."""
    matcher = Matcher(catalog(service("hr.onboarding", "新员工入职", "Onboarding", ("starting",))))
    assert matcher.match("status").kind == "none"
    assert matcher.match("startng").kind != "none"


def test_filler_bigrams_and_short_words_do_not_make_a_guess() -> None:
    matcher = Matcher(catalog(service("fin.expense", "费用报销", "Expense", ("报一下",)),
                              service("admin.supplies", "办公用品领用", "Supplies", ("pen",))))
    assert matcher.match("帮我报一下机票").kind != "none"
    assert matcher.match("查一下").kind == "none"  # 一下 is no evidence
    assert matcher.match("pending").kind == "none"  # nor is pend a typo of pen
