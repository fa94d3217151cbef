"""The feature registry: one owner per command, action prefix, prompt purpose and timer kind;
action ids keep their wire format, so cards already in chats still work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.features import FEATURES, REGISTRY
from bot.features.approvals.actions import ApprovalCardCopy, ApprovalClick
from bot.features.completion.actions import ConfirmClick, SurveyClick
from bot.features.forms.actions import DialogClick
from bot.features.intake.actions import CatalogClick, PickClick
from bot.features.registry import Feature, Registry
from bot.features.status.actions import MyRequestsClick, StatusClick, WithdrawClick
from bot.features.tasks.actions import TaskCardCopy, TaskClick
from bot.state import PromptState
from bot.turn import Turn


@dataclass(frozen=True)
class _Ping:
    pass


async def _nothing(turn: Turn, value: Any) -> None:
    return None


async def _no_answer(turn: Turn, prompt: PromptState, text: str) -> None:
    return None


def test_every_feature_is_listed_once() -> None:
    names = [f.name for f in FEATURES]
    assert len(names) == len(set(names))
    assert {"intake", "forms", "status", "approvals", "delegation", "amendment", "tasks",
            "completion", "time"} <= set(names)


def test_the_registry_knows_every_action_prefix_and_prompt_purpose() -> None:
    assert set(REGISTRY.actions) == {"apr", "tsk", "cfm", "csat", "dlg", "pick", "cat", "mine",
                                     "st", "wd", "ret", "ans", "rs", "apm", "sw", "rop", "exc"}
    assert set(REGISTRY.prompts) == {"withdraw", "reject", "handover", "question", "info",
                                     "reopen", "csat_comment", "send_back", "send_back_answer",
                                     "delegation_until", "transfer", "add_approver",
                                     "approve_pending", "reopen_which",
                                     "exc_reason", "exc_validity", "exc_justify", "exc_deny"}


@pytest.mark.parametrize("twice", [
    lambda: Feature("b", commands={_Ping: _nothing}),
    lambda: Feature("b", actions={"x": _nothing}),
    lambda: Feature("b", prompts={"why": REGISTRY.prompts["reject"]}),
])
def test_two_features_claiming_the_same_thing_fail(twice: Any) -> None:
    first = Feature("a", commands={_Ping: _nothing}, actions={"x": _nothing},
                    prompts={"why": REGISTRY.prompts["reject"]})
    with pytest.raises(ValueError, match="two features register"):
        Registry.of([first, twice()])


def test_two_features_claiming_one_timer_kind_fail() -> None:
    def kinds(services: Any, channels: Any) -> dict[str, Any]:
        return {"task.remind": _nothing}

    registry = Registry.of([Feature("a", timers=kinds), Feature("b", timers=kinds)])
    with pytest.raises(ValueError, match=r"timer kind 'task\.remind'"):
        registry.timer_kinds(None, list)  # type: ignore[arg-type]


WIRE: list[tuple[str, Any]] = [
    ("apr:12:bob:approve", ApprovalClick(12, "bob", "approve")),
    ("apr:12:group:x:reject", ApprovalClick(12, "group:x", "reject")),
    ("tsk:7:claim", TaskClick(7, "claim")),
    ("tsk:7:handover", TaskClick(7, "handover")),
    ("cfm:3:no", ConfirmClick(3, "no")),
    ("csat:3:5", SurveyClick(3, 5)),
    ("dlg:ab12:opt:model:X1", DialogClick("ab12", "opt:model:X1")),
    ("pick:laptop", PickClick("laptop")),
    ("cat:IT", CatalogClick("IT")),
    ("cat", CatalogClick("")),
    ("mine", MyRequestsClick()),
    ("st:12", StatusClick(12)),
    ("wd:12", WithdrawClick(12)),
]


@pytest.mark.parametrize(("text", "click"), WIRE, ids=[w[0] for w in WIRE])
def test_an_action_id_parses_and_formats_back_unchanged(text: str, click: Any) -> None:
    assert type(click).parse(text) == click
    assert click.format() == text


@pytest.mark.parametrize(("codec", "text"), [
    (ApprovalClick, "apr:x:bob:approve"), (ApprovalClick, "apr:12:bob:maybe"),
    (ApprovalClick, "apr:12::approve"), (TaskClick, "tsk:7:dance"), (TaskClick, "tsk:x:claim"),
    (ConfirmClick, "cfm:3:maybe"), (SurveyClick, "csat:3:9"), (SurveyClick, "csat:3:x"),
    (StatusClick, "st:abc"), (WithdrawClick, "wd:"), (StatusClick, "wd:12"),
])
def test_a_garbled_id_does_not_parse(codec: Any, text: str) -> None:
    assert codec.parse(text) is None


def test_card_correlations_keep_their_format() -> None:
    assert ApprovalCardCopy(5, "bob", "carol").format() == "apr:5:bob:carol"
    assert ApprovalCardCopy.parse("apr:5:bob:carol") == ApprovalCardCopy(5, "bob", "carol")
    assert ApprovalCardCopy.of_step(5) == "apr:5:"
    assert TaskCardCopy(7, "@group").format() == "tsk:7:@group"
    assert TaskCardCopy.parse("tsk:7:alice") == TaskCardCopy(7, "alice")
    assert TaskCardCopy.of_task(7) == "tsk:7:"
